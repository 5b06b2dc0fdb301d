package io.rampart.traffic;

/**
 * Whether a configured path prefix (an exempt path, a route) covers a request target, on whole
 * path segments: {@code /login} covers {@code /login}, {@code /login/}, {@code /login/x},
 * {@code /login;jsessionid=…} and {@code /login?x}, never {@code /login-help} or {@code /loginx};
 * a prefix ending in {@code /} ({@code /api/}) covers what lies below it. The target is the
 * gateway's normalised one (see {@code PathNormalizer}), so {@code /api/../donate} never reaches
 * this as {@code /api/…}. No allocation.
 */
public final class PathPrefix {
    private PathPrefix() {
    }

    public static boolean covers(String prefix, String target) {
        if (!target.startsWith(prefix)) {
            return false;
        }
        int n = prefix.length();
        if (n == target.length() || prefix.charAt(n - 1) == '/') {
            return true;
        }
        char next = target.charAt(n);
        return next == '/' || next == ';' || next == '?';
    }
}
