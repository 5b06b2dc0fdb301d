package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.rampart.mitigate.RefIds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorResponsesTest {
    private final ErrorResponses pages = new ErrorResponses();

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 405, 408, 413, 414, 421, 429, 431, 502, 503, 504, 505})
    void everyPage_carriesTheRefIntactInHtmlAndJson(int status) {
        long ref = RefIds.next();
        String id = RefIds.format(ref);
        FullHttpResponse html = pages.build(UnpooledByteBufAllocator.DEFAULT, status, ref, false, false);
        try {
            String body = html.content().toString(StandardCharsets.UTF_8);
            assertThat(body).contains("<p>Reference: <code>" + id + "</code></p>").doesNotContain("@@");
            assertThat(body).startsWith("<!doctype html>").contains("<html lang=\"en\">").endsWith("</html>\n");
            assertThat(html.headers().get("x-rampart-ref")).isEqualTo(id);
            assertThat(html.headers().getInt("content-length")).isEqualTo(html.content().readableBytes());
        } finally {
            html.release();
        }
        FullHttpResponse json = pages.build(UnpooledByteBufAllocator.DEFAULT, status, ref, true, true);
        try {
            String body = json.content().toString(StandardCharsets.UTF_8);
            assertThat(body).contains("\"ref\":\"" + id + "\"}").startsWith("{\"status\":" + status);
            assertThat(json.headers().get("connection")).isEqualTo("close");
        } finally {
            json.release();
        }
    }

    @Test
    void unknownStatus_isAProgrammingError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> pages.build(UnpooledByteBufAllocator.DEFAULT, 418, 1, false, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
