package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client side's codec: Netty's parsing with shared names, and answers shaped by their requests' methods. */
class FrontCodecTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new FrontCodec(new HttpDecoderConfig()));
    }

    private static List<Object> read(EmbeddedChannel ch, String wire) {
        ch.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    private static String answer(EmbeddedChannel ch, String body) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        ch.writeOutbound(r);
        StringBuilder wire = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            wire.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return wire.toString();
    }

    @Test
    void aBrowsersHeaderNames_areSharedConstants_andOthersAreParsedAsSent() {
        EmbeddedChannel ch = channel();
        List<Object> in = read(ch, "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: Mozilla/5.0\r\nAccept-Language: nl\r\n"
                + "X-Thing: 1\r\nuser-agent: twice\r\n\r\n");
        HttpRequest req = (HttpRequest) in.get(0);
        assertThat(req.decoderResult().isSuccess()).isTrue();
        List<CharSequence> names = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : (Iterable<Map.Entry<CharSequence, CharSequence>>) req.headers()::iteratorCharSequence) {
            names.add(e.getKey());
        }
        assertThat(names).extracting(CharSequence::toString).containsExactly("Host", "User-Agent", "Accept-Language", "X-Thing", "user-agent");
        assertThat((Object) names.get(1)).isSameAs(FrontCodec.commonName("User-Agent".getBytes(StandardCharsets.US_ASCII), 0, 10));
        assertThat((Object) names.get(4)).isSameAs(FrontCodec.commonName("user-agent".getBytes(StandardCharsets.US_ASCII), 0, 10));
        assertThat((Object) FrontCodec.commonName("X-Thing".getBytes(StandardCharsets.US_ASCII), 0, 7)).isNull();
        assertThat(req.headers().getAll("user-agent")).containsExactly("Mozilla/5.0", "twice");
        in.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aBadHeaderName_stillFailsTheRequest_asNettysParserDoes() {
        EmbeddedChannel ch = channel();
        HttpRequest req = (HttpRequest) read(ch, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n").get(0);
        assertThat(req.decoderResult().isFailure()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void theAnswerToAHead_goesWithoutItsBody_andTheNextGetsItsOwn() {
        EmbeddedChannel ch = channel();
        read(ch, "HEAD /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n").forEach(ReferenceCountUtil::release);
        assertThat(answer(ch, "hello")).as("HEAD").contains("content-length: 5").doesNotContain("hello");
        assertThat(answer(ch, "world")).as("GET").endsWith("\r\n\r\nworld");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aRequestFramedBothWays_isRefusedByTheStrictParser() {
        EmbeddedChannel ch = channel();
        List<Object> in = read(ch, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertThat(((HttpRequest) in.get(0)).decoderResult().isFailure()).as("CL+TE: a smuggling attempt").isTrue();
        in.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }
}
