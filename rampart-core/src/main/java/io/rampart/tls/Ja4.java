package io.rampart.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The JA4 fingerprint of a TLS ClientHello (FoxIO's public JA4 specification, the "JA4" part of
 * JA4+, BSD-licensed): {@code t13d1516h2_8daaf6152771_e5627efa2ab1} — transport ({@code t}: TCP),
 * the highest TLS version offered (from supported_versions, else the legacy version), SNI present
 * ({@code d}) or not ({@code i}), the number of cipher suites and of extensions (two digits each,
 * GREASE values ignored), the first and last character of the first ALPN value ({@code 00} for
 * none); then the first 12 hex digits of the SHA-256 of the sorted cipher suites, and of the sorted
 * extensions (SNI and ALPN left out) followed by the signature algorithms in the order sent.
 * Computed once per connection, from the ClientHello Netty's SNI handler has already framed.
 */
public final class Ja4 {
    private static final int SNI = 0x0000;
    private static final int ALPN = 0x0010;
    private static final int SIGNATURE_ALGORITHMS = 0x000d;
    private static final int SUPPORTED_VERSIONS = 0x002b;

    private Ja4() {
    }

    /** The fingerprint of {@code hello} (the ClientHello body, from client_version on), or "" when it cannot be read. */
    public static String of(ByteBuf hello) {
        if (hello == null) {
            return "";
        }
        try {
            return parse(hello, hello.readerIndex());
        } catch (IndexOutOfBoundsException e) {
            return ""; // truncated or malformed: the handshake itself will fail
        }
    }

    /**
     * Whether {@code hello} (as for {@link #of}) offers exactly one application protocol,
     * {@code protocol}: how an ACME validator asks for the TLS-ALPN-01 certificate (RFC 8737).
     */
    public static boolean offersOnlyAlpn(ByteBuf hello, String protocol) {
        if (hello == null) {
            return false;
        }
        try {
            int body = extension(hello, ALPN);
            if (body < 0) {
                return false;
            }
            int list = hello.getUnsignedShort(body);
            int first = hello.getUnsignedByte(body + 2);
            return list == first + 1 && first == protocol.length()
                    && hello.toString(body + 3, first, StandardCharsets.US_ASCII).equals(protocol);
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Where the body of extension {@code type} starts in {@code hello}, or -1 when it has none. */
    private static int extension(ByteBuf hello, int type) {
        int p = hello.readerIndex() + 2 + 32; // version, random
        p += 1 + hello.getUnsignedByte(p); // session id
        p += 2 + hello.getUnsignedShort(p); // cipher suites
        p += 1 + hello.getUnsignedByte(p); // compression methods
        if (p + 2 > hello.writerIndex()) {
            return -1;
        }
        int end = p + 2 + hello.getUnsignedShort(p);
        for (p += 2; p + 4 <= end; p += 4 + hello.getUnsignedShort(p + 2)) {
            if (hello.getUnsignedShort(p) == type) {
                return p + 4;
            }
        }
        return -1;
    }

    private static String parse(ByteBuf b, int p) {
        int legacyVersion = b.getUnsignedShort(p);
        p += 2 + 32; // version, random
        p += 1 + b.getUnsignedByte(p); // session id
        int cipherBytes = b.getUnsignedShort(p);
        p += 2;
        List<String> ciphers = new ArrayList<>();
        for (int i = 0; i < cipherBytes; i += 2) {
            int c = b.getUnsignedShort(p + i);
            if (!grease(c)) {
                ciphers.add(hex4(c));
            }
        }
        p += cipherBytes;
        p += 1 + b.getUnsignedByte(p); // compression methods
        List<String> extensions = new ArrayList<>();
        int extensionCount = 0;
        boolean sni = false;
        String alpn = "00";
        String signatureAlgorithms = "";
        int version = legacyVersion;
        if (p + 2 <= b.writerIndex()) {
            int end = p + 2 + b.getUnsignedShort(p);
            p += 2;
            while (p + 4 <= end) {
                int type = b.getUnsignedShort(p);
                int len = b.getUnsignedShort(p + 2);
                int body = p + 4;
                p = body + len;
                if (grease(type)) {
                    continue;
                }
                extensionCount++;
                if (type == SNI) {
                    sni = true;
                } else if (type == ALPN) {
                    alpn = alpn(b, body);
                } else {
                    extensions.add(hex4(type));
                }
                if (type == SIGNATURE_ALGORITHMS) {
                    signatureAlgorithms = signatureAlgorithms(b, body);
                } else if (type == SUPPORTED_VERSIONS) {
                    version = highestVersion(b, body, version);
                }
            }
        }
        Collections.sort(ciphers);
        Collections.sort(extensions);
        String a = "t" + version(version) + (sni ? "d" : "i") + two(ciphers.size()) + two(extensionCount) + alpn;
        String cipherHash = ciphers.isEmpty() ? "000000000000" : sha12(String.join(",", ciphers));
        String extText = String.join(",", extensions) + (signatureAlgorithms.isEmpty() ? "" : "_" + signatureAlgorithms);
        String extHash = extensions.isEmpty() ? "000000000000" : sha12(extText);
        return a + "_" + cipherHash + "_" + extHash;
    }

    private static String alpn(ByteBuf b, int body) {
        int listLength = b.getUnsignedShort(body);
        if (listLength < 2) {
            return "00";
        }
        int len = b.getUnsignedByte(body + 2);
        if (len == 0) {
            return "00";
        }
        char first = (char) b.getUnsignedByte(body + 3);
        char last = (char) b.getUnsignedByte(body + 3 + len - 1);
        if (Character.isLetterOrDigit(first) && Character.isLetterOrDigit(last) && first < 128 && last < 128) {
            return "" + first + last;
        }
        return "" + String.format(Locale.ROOT, "%02x", (int) first).charAt(0) + String.format(Locale.ROOT, "%02x", (int) last).charAt(1);
    }

    private static String signatureAlgorithms(ByteBuf b, int body) {
        int len = b.getUnsignedShort(body);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < len; i += 2) {
            int a = b.getUnsignedShort(body + 2 + i);
            if (!grease(a)) {
                out.add(hex4(a));
            }
        }
        return String.join(",", out);
    }

    private static int highestVersion(ByteBuf b, int body, int fallback) {
        int len = b.getUnsignedByte(body);
        int best = -1;
        for (int i = 0; i < len; i += 2) {
            int v = b.getUnsignedShort(body + 1 + i);
            if (!grease(v) && v > best) {
                best = v;
            }
        }
        return best < 0 ? fallback : best;
    }

    private static String version(int v) {
        switch (v) {
            case 0x0304: return "13";
            case 0x0303: return "12";
            case 0x0302: return "11";
            case 0x0301: return "10";
            case 0x0300: return "s3";
            default: return "00";
        }
    }

    /** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
    static boolean grease(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
    }

    private static String two(int n) {
        return n > 99 ? "99" : n < 10 ? "0" + n : Integer.toString(n);
    }

    private static String hex4(int v) {
        String h = Integer.toHexString(v);
        return "0000".substring(h.length()) + h;
    }

    static String sha12(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            StringBuilder sb = new StringBuilder(12);
            for (int i = 0; i < 6; i++) {
                sb.append(String.format(Locale.ROOT, "%02x", d[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
