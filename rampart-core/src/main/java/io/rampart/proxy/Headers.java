package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Header names Rampart sets, and the hop-by-hop set a proxy must not forward. */
final class Headers {
    static final AsciiString X_RAMPART_REF = AsciiString.cached("x-rampart-ref");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final String VIA_VALUE = "1.1 rampart";

    /** RFC 9110 §7.6.1 connection-specific fields (Transfer-Encoding is re-framed by the encoders). */
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE);

    private static final List<AsciiString> PROTECTED = List.of(
            HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING);

    private Headers() {
    }

    /** Sets the two fields of a WebSocket handshake after hop-by-hop removal took them out. */
    static void offerWebSocketUpgrade(HttpHeaders h) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }

    /**
     * Removes hop-by-hop fields and every field the {@code Connection} header names — except the
     * framing and routing fields ({@code Host}, {@code Content-Length}, {@code Transfer-Encoding}),
     * which a client must not be able to strip by naming them in {@code Connection}.
     *
     * <p>One pass over the fields finds which hop-by-hop names are present (usually none, or just
     * {@code Connection: keep-alive}); only those are removed, and {@code Connection}'s value is only
     * parsed for further names when it holds something other than {@code keep-alive}/{@code close}.
     */
    static void removeHopByHop(HttpHeaders h) {
        int present = 0;
        boolean namesOthers = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            int bit = hopByHopBit(e.getKey());
            if (bit != 0) {
                present |= bit;
                if (bit == 1 && !isPlainConnectionValue(e.getValue())) {
                    namesOthers = true;
                }
            }
        }
        if (present == 0) {
            return;
        }
        if (namesOthers) {
            for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty() && !PROTECTED.contains(AsciiString.of(name).toLowerCase())) {
                        h.remove(name);
                    }
                }
            }
        }
        for (int i = 0; i < HOP_BY_HOP.size(); i++) {
            if ((present & (1 << i)) != 0) {
                h.remove(HOP_BY_HOP.get(i));
            }
        }
    }

    /** Bit {@code 1 << index} in {@link #HOP_BY_HOP} for a hop-by-hop name, 0 otherwise. */
    private static int hopByHopBit(CharSequence name) {
        int len = name.length();
        if (len != 2 && len != 7 && len != 10 && len != 16 && len != 18 && len != 19) {
            return 0; // cheap reject: no hop-by-hop name has another length
        }
        for (int i = 0; i < HOP_BY_HOP.size(); i++) {
            AsciiString hop = HOP_BY_HOP.get(i);
            if (hop.length() == len && hop.contentEqualsIgnoreCase(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    private static boolean isPlainConnectionValue(CharSequence v) {
        return AsciiString.contentEqualsIgnoreCase(v, HttpHeaderValues.KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(v, HttpHeaderValues.CLOSE);
    }

}
