package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The origin leg's codec: Netty's parsing with shared constants, and responses paired with their requests. */
class OriginCodecTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new OriginCodec());
    }

    private static void send(EmbeddedChannel ch, HttpMethod method) {
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/x"));
        ByteBuf wire;
        while ((wire = ch.readOutbound()) != null) {
            wire.release();
        }
    }

    private static List<Object> answer(EmbeddedChannel ch, String wire) {
        ch.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    @Test
    void aCommonAnswer_isParsedIntoSharedConstants_exactlyAsSent() {
        EmbeddedChannel ch = channel();
        send(ch, HttpMethod.GET);
        List<Object> out = answer(ch, "HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-type: text/html\r\nContent-Length: 2\r\n"
                + "X-Custom: yes\r\n\r\nhi");
        HttpResponse r = (HttpResponse) out.get(0);
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
        assertThat(r.status()).isSameAs(HttpResponseStatus.OK);
        List<CharSequence> names = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : (Iterable<Map.Entry<CharSequence, CharSequence>>) r.headers()::iteratorCharSequence) {
            names.add(e.getKey());
        }
        assertThat(names).extracting(CharSequence::toString).containsExactly("Server", "content-type", "Content-Length", "X-Custom");
        assertThat((Object) names.get(0)).as("a common name is one shared object").isSameAs(OriginCodec.commonName("Server".getBytes(StandardCharsets.US_ASCII), 0, 6));
        assertThat((Object) names.get(1)).isSameAs(OriginCodec.commonName("content-type".getBytes(StandardCharsets.US_ASCII), 0, 12));
        assertThat((Object) OriginCodec.commonName("X-Custom".getBytes(StandardCharsets.US_ASCII), 0, 8)).isNull();
        assertThat((Object) OriginCodec.commonName("SERVER".getBytes(StandardCharsets.US_ASCII), 0, 6)).as("spelled otherwise: parsed as sent").isNull();
        assertThat(r.headers().get("server")).isEqualTo("nginx");
        assertThat(((HttpContent) out.get(1)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        out.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void anUnusualStatusLine_keepsItsOwnReasonAndCode() {
        EmbeddedChannel ch = channel();
        send(ch, HttpMethod.GET);
        HttpResponse r = (HttpResponse) answer(ch, "HTTP/1.0 299 All Fine\r\nContent-Length: 0\r\n\r\n").get(0);
        assertThat(r.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(r.status().code()).isEqualTo(299);
        assertThat(r.status().reasonPhrase()).isEqualTo("All Fine");
        send(ch, HttpMethod.GET);
        HttpResponse nf = (HttpResponse) answer(ch, "HTTP/1.1 404 Nope\r\nContent-Length: 0\r\n\r\n").get(0);
        assertThat(nf.status().code()).isEqualTo(404);
        assertThat(nf.status().reasonPhrase()).isEqualTo("Nope");
        ch.finishAndReleaseAll();
    }

    @Test
    void aBrokenStatusLine_failsAsNettysOwnParserDoes() {
        EmbeddedChannel ch = channel();
        send(ch, HttpMethod.GET);
        HttpResponse r = (HttpResponse) answer(ch, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n").get(0);
        assertThat(r.decoderResult().isFailure()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void theAnswerToAHead_hasNoBody_evenWithAContentLength_andTheNextAnswerPairsWithItsGet() {
        EmbeddedChannel ch = channel();
        send(ch, HttpMethod.HEAD);
        send(ch, HttpMethod.GET);
        List<Object> out = answer(ch, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isInstanceOf(HttpResponse.class);
        assertThat(out.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(out.get(2)).isInstanceOf(HttpResponse.class);
        assertThat(((HttpContent) out.get(3)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        out.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void anInterimAnswer_leavesTheRequestWaitingForItsFinalOne() {
        EmbeddedChannel ch = channel();
        send(ch, HttpMethod.HEAD);
        List<Object> out = answer(ch, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assertThat(((HttpResponse) out.get(0)).status().code()).isEqualTo(100);
        HttpResponse fin = (HttpResponse) out.stream().filter(o -> o instanceof HttpResponse && ((HttpResponse) o).status().code() == 200)
                .findFirst().orElseThrow();
        assertThat(out.get(out.indexOf(fin) + 1)).as("still the HEAD's answer: no body").isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        out.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }
}
