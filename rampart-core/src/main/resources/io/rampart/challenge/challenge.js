/* Rampart challenge page: solves the proof of work in a worker, stores the answer in a short-lived
 * cookie and reloads the same address (method and query kept), where the gateway checks it. */
(function () {
  'use strict';
  var box = document.getElementById('rampart-challenge');
  var ticket = box.getAttribute('data-ticket');
  var bits = +box.getAttribute('data-bits');
  var cookie = box.getAttribute('data-cookie');
  var post = box.getAttribute('data-post') === '1';
  var status = document.getElementById('rampart-status');
  var bar = document.getElementById('rampart-progress');
  var help = document.getElementById('rampart-cookies');
  var expected = Math.pow(2, bits);

  function say(text) { status.textContent = text; }
  function cookiesOff() {
    say('Your browser is refusing cookies, so the check cannot finish.');
    help.hidden = false;
  }
  function progress(n) {
    bar.value = Math.min(99, Math.round(100 * (1 - Math.exp(-n / expected))));
  }
  function solved(n) {
    document.cookie = cookie + '=' + ticket + '.' + n + '; Max-Age=300; Path=/; SameSite=Lax';
    if (document.cookie.indexOf(cookie + '=' + ticket) < 0) { cookiesOff(); return; }
    bar.value = 100;
    if (post) {
      say('Done. Your form was not sent yet: go back, and send it again. What you typed is usually still there.');
      document.getElementById('rampart-back').hidden = false;
      return;
    }
    say('Done. Taking you to the page.');
    location.replace(location.href);
  }
  function inPage() {
    /* no workers: solve in slices so the page stays responsive */
    var script = document.createElement('script');
    script.src = '/.rampart/pow-worker.js';
    script.onload = function () {
      var n = 0, step = 4096;
      (function slice() {
        var found = RampartPow.search(ticket, bits, n, step);
        if (found >= 0) { solved(found); return; }
        n += step;
        progress(n);
        setTimeout(slice, 0);
      })();
    };
    document.head.appendChild(script);
  }

  if (!navigator.cookieEnabled) { cookiesOff(); return; }
  say('Checking your browser. This takes a few seconds and happens once.');
  var worker = null;
  try { worker = new Worker('/.rampart/pow-worker.js'); } catch (e) { worker = null; }
  if (!worker) { inPage(); return; }
  worker.onmessage = function (e) { if (e.data.done) { solved(e.data.n); } else { progress(e.data.n); } };
  worker.onerror = function () { worker = null; inPage(); };
  worker.postMessage({ ticket: ticket, bits: bits });
})();
