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
        int i = start(header, 0);
        while (i < header.length()) {
            int end = end(header, i);
            if (named(header, i, end, name)) {
                return header.substring(i + name.length() + 1, end).trim();
            }
            i = start(header, end + 1);
        }
        return null;
    }

    /** The header without the cookies called {@code a}, {@code b} or {@code c}; {@code null} when nothing is left. */
    public static String without(String header, String a, String b, String c) {
        StringBuilder out = new StringBuilder(header.length());
        int i = start(header, 0);
        while (i < header.length()) {
            int end = end(header, i);
            if (i < end && !named(header, i, end, a) && !named(header, i, end, b) && !named(header, i, end, c)) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(header, i, end);
            }
            i = start(header, end + 1);
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** The first index at or after {@code i} that is not a separator ({@code ;} or space). */
    private static int start(String header, int i) {
        while (i < header.length() && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
            i++;
        }
        return i;
    }

    /** The end of the pair starting at {@code i}: the next {@code ;}, or the header's end. */
    private static int end(String header, int i) {
        int e = header.indexOf(';', i);
        return e < 0 ? header.length() : e;
    }

    private static boolean named(String header, int at, int end, String name) {
        return end - at > name.length() && header.charAt(at + name.length()) == '='
                && header.regionMatches(at, name, 0, name.length());
    }
}
