package io.rampart.challenge;

/**
 * Reading and removing single cookies in a {@code Cookie} header without parsing all of it
 * (RFC 6265 §5.4: {@code name=value} pairs separated by {@code ;} and optional spaces).
 */
public final class Cookies {
    private Cookies() {
    }

    /** The value of the first cookie called {@code name}, or {@code null}. */
    public static String value(String header, String name) {
        if (header == null) {
            return null;
        }
        int i = 0;
        int len = header.length();
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = len;
            }
            if (named(header, i, end, name)) {
                return header.substring(i + name.length() + 1, end).trim();
            }
            i = end + 1;
        }
        return null;
    }

    /** Whether a cookie called {@code name} is present. */
    public static boolean has(String header, String name) {
        return value(header, name) != null;
    }

    /** The header without the cookies called {@code a} or {@code b}; {@code null} when nothing is left. */
    public static String without(String header, String a, String b) {
        StringBuilder out = new StringBuilder(header.length());
        int i = 0;
        int len = header.length();
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = len;
            }
            if (i < end && !named(header, i, end, a) && !named(header, i, end, b)) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(header, i, end);
            }
            i = end + 1;
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static boolean named(String header, int at, int end, String name) {
        return end - at > name.length() && header.charAt(at + name.length()) == '='
                && header.regionMatches(at, name, 0, name.length());
    }
}
