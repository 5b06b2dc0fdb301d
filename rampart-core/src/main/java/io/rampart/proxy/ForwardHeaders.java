package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.InetLiterals;
import java.util.List;

/**
 * The forwarding headers, and who the client is when a trusted proxy stands in front.
 *
 * <p>Only a peer on the {@code trustedProxies} list may speak for someone else: its
 * {@code X-Forwarded-For} is read right to left and the first address that is not itself a
 * trusted proxy is the client. From anyone else, {@code X-Forwarded-*} headers are replaced,
 * never passed on, and the other headers origins and frameworks read a client's address from
 * ({@code X-Real-IP}, {@code Forwarded}, {@code True-Client-IP}, {@code CF-Connecting-IP},
 * {@code X-Client-IP}, {@code X-Cluster-Client-IP}, {@code Fastly-Client-IP}) are removed, so a
 * client cannot make the origin believe it is someone else.
 */
final class ForwardHeaders {
    /** Headers that name a client's address, which only a trusted proxy may send on. */
    private static final AsciiString[] CLIENT_ADDRESS_HEADERS = names("x-real-ip", "forwarded", "true-client-ip", "cf-connecting-ip",
            "x-client-ip", "x-cluster-client-ip", "fastly-client-ip");

    private ForwardHeaders() {
    }

    private static AsciiString[] names(String... names) {
        AsciiString[] out = new AsciiString[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = AsciiString.cached(names[i]);
        }
        return out;
    }

    /** The client a request is from: {@code peer}, or the right-most untrusted hop when {@code peer} is trusted. */
    static ClientAddress clientOf(HttpHeaders h, IpSet trusted, ClientAddress peer) {
        List<String> values = h.getAll(Headers.X_FORWARDED_FOR);
        if (values.isEmpty()) {
            return peer;
        }
        ClientAddress current = peer;
        for (int v = values.size() - 1; v >= 0; v--) {
            String[] hops = values.get(v).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                ClientAddress a;
                try {
                    a = ClientAddress.of(InetLiterals.parse(hop));
                } catch (IllegalArgumentException e) {
                    return current; // garbage in the chain: trust stops at the last good hop
                }
                if (!trusted.contains(a)) {
                    return a;
                }
                current = a;
            }
        }
        return current;
    }

    /** Rewrites a client request for the origin (HTTP/1.1, hop-by-hop removed, X-Forwarded-*, Via). */
    static void prepareRequest(HttpRequest req, ClientAddress peer, boolean peerTrusted, String authority, String scheme) {
        HttpHeaders h = req.headers();
        HttpVersion clientVersion = req.protocolVersion();
        Headers.removeHopByHop(h);
        if (!peerTrusted) {
            for (AsciiString name : CLIENT_ADDRESS_HEADERS) {
                h.remove(name);
            }
        }
        if (peerTrusted && h.contains(Headers.X_FORWARDED_FOR)) {
            String chain = String.join(", ", h.getAll(Headers.X_FORWARDED_FOR));
            h.set(Headers.X_FORWARDED_FOR, chain + ", " + peer);
        } else {
            h.set(Headers.X_FORWARDED_FOR, peer.toString());
        }
        if (!(peerTrusted && h.contains(Headers.X_FORWARDED_PROTO))) {
            h.set(Headers.X_FORWARDED_PROTO, scheme);
        }
        if (!(peerTrusted && h.contains(Headers.X_FORWARDED_HOST))) {
            if (authority != null) {
                h.set(Headers.X_FORWARDED_HOST, authority);
            } else {
                h.remove(Headers.X_FORWARDED_HOST);
            }
        }
        h.add(HttpHeaderNames.VIA, clientVersion.minorVersion() == 0 ? "1.0 rampart" : Headers.VIA_VALUE);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
}
