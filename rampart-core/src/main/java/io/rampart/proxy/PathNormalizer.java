package io.rampart.proxy;

/**
 * One way to spell a path: the request target is normalised once, before any decision, and the
 * origin receives the normalised form, so what Rampart matched (exempt paths, routes, its own
 * pages) is what the origin serves. See decision 0019 for how this compares with nginx's and
 * HAProxy's normalisation.
 *
 * <p>Design note — in order, on the path (the query is kept as it came):
 * <ol>
 *   <li>percent-encoded unreserved characters ({@code A–Z a–z 0–9 - . _ ~}) are decoded
 *       ({@code /%6cogin} is {@code /login}); other escapes stay, with upper-case hex;</li>
 *   <li>refused with {@code 400}: invalid percent-encoding ({@code %zz}, a lone {@code %}), an
 *       encoded slash or backslash ({@code %2F}, {@code %5C}), an encoded control character or NUL,
 *       a raw backslash, a fragment ({@code #});</li>
 *   <li>repeated slashes are merged;</li>
 *   <li>{@code .} and {@code ..} segments are resolved (RFC 3986 §5.2.4), also when spelled with a
 *       path parameter as Tomcat reads them ({@code ..;x}); a {@code ..} above the root is
 *       refused with {@code 400};</li>
 *   <li>{@code ;} path parameters of other segments are kept for the origin, and matching treats
 *       {@code ;} as the end of a segment's name ({@link io.rampart.traffic.PathPrefix}).</li>
 * </ol>
 * A target with nothing to normalise (no {@code %}, {@code \}, {@code #}, {@code //} or
 * {@code /.}) is returned as it is, without allocating.
 */
final class PathNormalizer {
    private PathNormalizer() {
    }

    /** The normalised origin-form target, or null when it must be refused with {@code 400}. */
    static String normalize(String target) {
        int q = target.indexOf('?');
        int end = q < 0 ? target.length() : q;
        if (!needsWork(target, end)) {
            return target;
        }
        StringBuilder decoded = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '\\' || c == '#') {
                return null;
            }
            if (c != '%') {
                decoded.append(c);
                continue;
            }
            if (i + 2 >= end) {
                return null; // a lone '%', or one hex digit, at the end of the path
            }
            int hi = hex(target.charAt(i + 1));
            int lo = hex(target.charAt(i + 2));
            if (hi < 0 || lo < 0) {
                return null;
            }
            int v = hi << 4 | lo;
            if (v == '/' || v == '\\' || v < 0x20 || v == 0x7f) {
                return null;
            }
            if (unreserved(v)) {
                decoded.append((char) v);
            } else {
                decoded.append('%').append(HEX[hi]).append(HEX[lo]);
            }
            i += 2;
        }
        String path = resolve(decoded);
        if (path == null) {
            return null;
        }
        return q < 0 ? path : path + target.substring(q);
    }

    /** Merges slashes and resolves dot segments; null for a {@code ..} above the root. */
    private static String resolve(CharSequence path) {
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int[] starts = new int[n / 2 + 2]; // where each kept segment starts in out
        int depth = 0;
        boolean trailing = false;
        int i = 0;
        while (i < n) {
            while (i < n && path.charAt(i) == '/') {
                i++;
            }
            if (i >= n) {
                trailing = true; // the path ends in '/'
                break;
            }
            int s = i;
            while (i < n && path.charAt(i) != '/') {
                i++;
            }
            int nameEnd = s;
            while (nameEnd < i && path.charAt(nameEnd) != ';') {
                nameEnd++;
            }
            int nameLength = nameEnd - s;
            boolean dot = nameLength == 1 && path.charAt(s) == '.';
            boolean dotDot = nameLength == 2 && path.charAt(s) == '.' && path.charAt(s + 1) == '.';
            if (dot || dotDot) {
                if (dotDot) {
                    if (depth == 0) {
                        return null;
                    }
                    depth--;
                    out.setLength(starts[depth]);
                }
                trailing = true;
                continue;
            }
            starts[depth++] = out.length();
            out.append('/').append(path, s, i);
            trailing = false;
        }
        if (out.length() == 0) {
            return "/";
        }
        if (trailing) {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean needsWork(String target, int end) {
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '%' || c == '\\' || c == '#') {
                return true;
            }
            if (c == '/' && i + 1 < end) {
                char next = target.charAt(i + 1);
                if (next == '/' || next == '.') {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean unreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                || c == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
