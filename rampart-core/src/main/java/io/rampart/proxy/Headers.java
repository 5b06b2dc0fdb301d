package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

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
     */
    static void removeHopByHop(HttpHeaders h) {
        List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !PROTECTED.contains(AsciiString.of(name).toLowerCase())) {
                    h.remove(name);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            h.remove(name);
        }
    }
}
