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

    @Test
    void aSitesPages_nameTheSiteAndItsContact_andSayWhenToTryAgain_withACountdown() throws Exception {
        ErrorResponses site = ErrorResponses.forSite("www.example.org", "webmaster@example.org <script>x</script>");
        long ref = RefIds.next();
        FullHttpResponse html = site.build(UnpooledByteBufAllocator.DEFAULT, 429, ref, 37, false, false);
        try {
            String body = html.content().toString(StandardCharsets.UTF_8);
            assertThat(body).contains("<title>429 Too many requests — www.example.org</title>")
                    .contains("<p id=\"when\">Please try again in <span id=\"wait\">   37</span> seconds.</p>")
                    .contains("contact the site: webmaster@example.org &lt;script&gt;x&lt;/script&gt;")
                    .contains("setInterval").doesNotContain("#####").doesNotContain("<script>x");
            assertThat(html.headers().getInt("content-length")).isEqualTo(html.content().readableBytes());
        } finally {
            html.release();
        }
        FullHttpResponse json = site.build(UnpooledByteBufAllocator.DEFAULT, 503, ref, 123_456, true, false);
        try {
            com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json.content().toString(StandardCharsets.UTF_8));
            assertThat(j.get("retryAfter").asLong()).as("clamped to five digits").isEqualTo(99_999);
            assertThat(j.get("site").asText()).isEqualTo("www.example.org");
            assertThat(j.get("contact").asText()).isEqualTo("webmaster@example.org <script>x</script>");
        } finally {
            json.release();
        }
        FullHttpResponse notFound = site.build(UnpooledByteBufAllocator.DEFAULT, 404, ref, 5, false, false);
        try {
            assertThat(notFound.content().toString(StandardCharsets.UTF_8)).as("no countdown where there is nothing to wait for")
                    .doesNotContain("id=\"wait\"").doesNotContain("<script");
        } finally {
            notFound.release();
        }
    }
}
