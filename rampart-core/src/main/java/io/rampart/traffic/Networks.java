package io.rampart.traffic;

/** Text forms of a client's networks (/24 and /16 for IPv4, /64 and /48 for IPv6). */
final class Networks {
    private Networks() {
    }

    static String describe(ClientAddress c, boolean wide) {
        if (!c.isIpv6()) {
            long a = c.lo();
            return wide
                    ? ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + ".0.0/16"
                    : ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + ".0/24";
        }
        long hi = c.hi();
        int groups = wide ? 3 : 4;
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < groups; g++) {
            sb.append(g == 0 ? "" : ":").append(Long.toHexString((hi >>> (48 - 16 * g)) & 0xffff));
        }
        return sb.append("::/").append(wide ? 48 : 64).toString();
    }
}
