package io.rampart.traffic;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP address literals without ever touching DNS. */
public final class InetLiterals {
    private InetLiterals() {
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal (with or without brackets).
     *
     * @throws IllegalArgumentException if {@code text} is not an address literal
     */
    public static InetAddress parse(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') >= 0) {
            // InetAddress treats anything with a colon as an IPv6 literal: no lookup happens.
            if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new IllegalArgumentException("not an IP address: '" + text + "'");
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: '" + text + "'");
            }
        }
        int v4 = parseIpv4(s);
        byte[] b = {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses a strict dotted quad ({@code 192.0.2.1}) into an int. */
    public static int parseIpv4(String s) {
        int result = 0;
        int parts = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || parts == 4) {
                    throw new IllegalArgumentException("not an IP address: '" + s + "'");
                }
                result = (result << 8) | value;
                parts++;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    throw new IllegalArgumentException("not an IP address: '" + s + "'");
                }
            } else {
                throw new IllegalArgumentException("not an IP address: '" + s + "'");
            }
        }
        if (parts != 4) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'");
        }
        return result;
    }
}
