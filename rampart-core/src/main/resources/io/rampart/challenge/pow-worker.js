/* Rampart proof of work: find n such that SHA-256(ticket + "." + n) starts with `bits` zero bits.
 * Ships its own SHA-256 because crypto.subtle does not exist on plain-HTTP sites.
 * Runs as a Web Worker (postMessage protocol below) or, where workers are unavailable,
 * in the page through RampartPow.search(ticket, bits, from, count). */
'use strict';
var RampartPow = (function () {
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  function compress(H, W) {
    var i;
    for (i = 16; i < 64; i++) {
      var w15 = W[i - 15], w2 = W[i - 2];
      var s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      var s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  /* SHA-256 of an ASCII string as 8 signed 32-bit words (for tests and checks). */
  function sha256(s) {
    var H = new Int32Array(IV), W = new Int32Array(64);
    var bytes = s.length, total = ((bytes + 9 + 63) >> 6) << 6;
    for (var off = 0; off < total; off += 64) {
      for (var i = 0; i < 16; i++) {
        var w = 0;
        for (var j = 0; j < 4; j++) {
          var p = off + 4 * i + j;
          var v = p < bytes ? s.charCodeAt(p) & 0xff : (p === bytes ? 0x80 : 0);
          w = (w << 8) | v;
        }
        W[i] = w;
      }
      if (off + 64 === total) { W[14] = Math.floor(bytes / 0x20000000); W[15] = (bytes * 8) | 0; }
      compress(H, W);
    }
    return H;
  }

  /* Searches counters [from, from + count) for a solution; returns it, or -1. The ticket is
   * 72 characters, so "ticket." spans one full block plus 9 bytes: the first block is hashed
   * once (the midstate) and each try hashes only the second. */
  function search(ticket, bits, from, count) {
    var W = new Int32Array(64), mid = new Int32Array(IV), H = new Int32Array(8), i;
    for (i = 0; i < 16; i++) {
      W[i] = (ticket.charCodeAt(4 * i) << 24) | (ticket.charCodeAt(4 * i + 1) << 16) |
             (ticket.charCodeAt(4 * i + 2) << 8) | ticket.charCodeAt(4 * i + 3);
    }
    compress(mid, W);
    var tail = ticket.substring(64) + '.';
    var mask = bits <= 0 ? 0 : (bits >= 32 ? -1 : ~(-1 >>> bits));
    var end = from + count;
    for (var n = from; n < end; n++) {
      var s = tail + n, len = s.length;
      for (i = 0; i < 16; i++) { W[i] = 0; }
      for (i = 0; i < len; i++) { W[i >> 2] |= s.charCodeAt(i) << (24 - 8 * (i & 3)); }
      W[len >> 2] |= 0x80 << (24 - 8 * (len & 3));
      W[15] = (64 + len) * 8;
      H.set(mid);
      compress(H, W);
      if ((H[0] & mask) === 0) { return n; }
    }
    return -1;
  }

  return { search: search, sha256: sha256 };
})();

if (typeof importScripts === 'function') {
  onmessage = function (e) {
    var ticket = e.data.ticket, bits = e.data.bits, n = 0, step = 8192;
    for (;;) {
      var found = RampartPow.search(ticket, bits, n, step);
      if (found >= 0) { postMessage({ done: true, n: found }); return; }
      n += step;
      postMessage({ done: false, n: n });
    }
  };
}
