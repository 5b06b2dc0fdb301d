package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.rampart.mitigate.Decision;
import io.rampart.mitigate.RefIds;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.RequestFeatures;

/**
 * What one request on a connection was and what became of it: its reference id, who sent it,
 * what it asked for, timings, sizes and the final status. One instance per connection, reset for
 * each request (no allocation per request); read by the access log and the error pages.
 */
final class Exchange {
    long ref;
    private AsciiString refText;
    long startNanos;
    long sentNanos;
    long upstreamNanos;
    long bytesIn;
    long bytesOut;
    int status;
    String method;
    String target;
    String authority;
    ClientAddress client;
    /** The request's header fingerprint ({@code Dimension.FINGERPRINT}), 0 until it is known. */
    long headerPrint;

    /** Starts a new request at {@code now}, from {@code client}. */
    void begin(long now, ClientAddress client, String method, String target) {
        this.ref = RefIds.next();
        this.refText = null;
        this.startNanos = now;
        this.sentNanos = 0;
        this.upstreamNanos = -1;
        this.bytesIn = 0;
        this.bytesOut = 0;
        this.status = 0;
        this.method = method;
        this.target = target;
        this.authority = null;
        this.client = client;
        this.headerPrint = 0;
    }

    /** The reference id as text, formatted at most once per request. */
    AsciiString refText() {
        AsciiString t = refText;
        if (t == null) {
            t = RefIds.formatAscii(ref);
            refText = t;
        }
        return t;
    }

    /** Appends this exchange as one JSON access-log object (no trailing newline). */
    void appendJson(StringBuilder sb, String siteName, Decision decision, Upstream upstream, HttpRequest request, long now,
                    io.rampart.traffic.ConnectionPrints prints) {
        sb.append("{\"time\":\"");
        LogClock.appendNow(sb);
        sb.append("\",\"ref\":\"").append(refText())
                .append("\",\"client\":\"").append(client).append('"');
        sb.append(",\"site\":");
        AccessLog.appendJsonString(sb, siteName);
        sb.append(",\"method\":");
        AccessLog.appendJsonString(sb, method);
        sb.append(",\"host\":");
        AccessLog.appendJsonString(sb, authority);
        sb.append(",\"path\":");
        AccessLog.appendJsonString(sb, target);
        sb.append(",\"status\":").append(status);
        sb.append(",\"verdict\":\"").append(decision.verdict().label()).append('"');
        sb.append(",\"reason\":\"").append(decision.reason().id()).append('"');
        if (decision.rule() != null) {
            sb.append(",\"rule\":");
            AccessLog.appendJsonString(sb, decision.rule().id());
        }
        if (upstream != null) {
            sb.append(",\"upstream\":\"").append(upstream.url().authority()).append('"');
        }
        if (upstreamNanos >= 0) {
            sb.append(",\"upstream_ms\":");
            AccessLog.appendMillis(sb, upstreamNanos);
        }
        sb.append(",\"duration_ms\":");
        AccessLog.appendMillis(sb, now - startNanos);
        sb.append(",\"bytes_in\":").append(bytesIn).append(",\"bytes_out\":").append(bytesOut);
        if (request != null) {
            sb.append(",\"ua\":");
            AccessLog.appendJsonString(sb, request.headers().get(HttpHeaderNames.USER_AGENT));
        }
        if (headerPrint != 0) {
            sb.append(",\"hfp\":\"");
            RequestFeatures.appendHeaderPrint(sb, headerPrint);
            sb.append('"');
        }
        if (!prints.ja4().isEmpty()) {
            sb.append(",\"ja4\":");
            AccessLog.appendJsonString(sb, prints.ja4());
        }
        if (!prints.h2().isEmpty()) {
            sb.append(",\"h2\":");
            AccessLog.appendJsonString(sb, prints.h2());
        }
        sb.append('}');
    }
}
