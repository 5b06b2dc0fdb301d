package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.rampart.mitigate.Decision;
import io.rampart.traffic.ConnectionPrints;
import io.rampart.traffic.RequestFeatures;

/** Writes one exchange as the access log's JSON object (no trailing newline), without building anything but the text. */
final class AccessLogLine {
    private AccessLogLine() {
    }

    static void append(StringBuilder sb, Exchange x, long now) {
        Decision decision = x.decision;
        ConnectionPrints prints = x.prints;
        sb.append("{\"time\":\"");
        LogClock.appendNow(sb);
        sb.append("\",\"ref\":\"").append(x.refText())
                .append("\",\"client\":\"").append(x.client).append('"');
        sb.append(",\"site\":");
        AccessLog.appendJsonString(sb, x.site == null ? null : x.site.name());
        sb.append(",\"method\":");
        AccessLog.appendJsonString(sb, x.method);
        sb.append(",\"host\":");
        AccessLog.appendJsonString(sb, x.authority);
        sb.append(",\"path\":");
        AccessLog.appendJsonString(sb, x.target);
        sb.append(",\"status\":").append(x.status);
        sb.append(",\"verdict\":\"").append(decision.verdict().label()).append('"');
        sb.append(",\"reason\":\"").append(decision.reason().id()).append('"');
        if (decision.rule() != null) {
            sb.append(",\"rule\":");
            AccessLog.appendJsonString(sb, decision.rule().id());
        }
        Upstream upstream = x.origin.upstream();
        if (upstream != null) {
            sb.append(",\"upstream\":\"").append(upstream.url().authority()).append('"');
        }
        if (x.upstreamNanos >= 0) {
            sb.append(",\"upstream_ms\":");
            AccessLog.appendMillis(sb, x.upstreamNanos);
        }
        sb.append(",\"duration_ms\":");
        AccessLog.appendMillis(sb, now - x.startNanos);
        sb.append(",\"bytes_in\":").append(x.bytesIn).append(",\"bytes_out\":").append(x.bytesOut);
        if (x.request != null) {
            sb.append(",\"ua\":");
            AccessLog.appendJsonString(sb, x.request.headers().get(HttpHeaderNames.USER_AGENT));
        }
        if (x.headerPrint != 0) {
            sb.append(",\"hfp\":\"");
            RequestFeatures.appendHeaderPrint(sb, x.headerPrint);
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
