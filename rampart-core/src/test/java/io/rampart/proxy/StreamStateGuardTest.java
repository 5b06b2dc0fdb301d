package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The raw frame-header scan before the codec: which frames it turns into connection errors. */
class StreamStateGuardTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes();
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, CONTINUATION = 9;
    private static final int END_STREAM = 1, END_HEADERS = 4;

    private final EmbeddedChannel ch = new EmbeddedChannel(new StreamStateGuard());

    StreamStateGuardTest() {
        ch.writeInbound(Unpooled.wrappedBuffer(PREFACE));
        drain();
    }

    @Test
    void dataOnAStreamTheClientEndedWithItsHeaders_isAConnectionErrorStreamClosed() {
        send(frame(HEADERS, END_HEADERS | END_STREAM, 1, 5));
        assertThat(passed()).isEqualTo(1);
        assertThat(error(frame(DATA, END_STREAM, 1, 4))).isEqualTo(Http2Error.STREAM_CLOSED);
    }

    @Test
    void aBodyAndTrailersOnAnOpenStream_pass_andOnlyFramesAfterTheEndAreRefused() {
        send(frame(HEADERS, END_HEADERS, 1, 5), frame(DATA, 0, 1, 10), frame(HEADERS, END_HEADERS | END_STREAM, 1, 3));
        assertThat(passed()).isEqualTo(1);
        assertThat(error(frame(HEADERS, END_HEADERS | END_STREAM, 1, 3))).isEqualTo(Http2Error.STREAM_CLOSED);
    }

    @Test
    void aResetAfterTheEnd_isHarmless_butDataAfterTheClientsOwnReset_isRefused() {
        send(frame(HEADERS, END_HEADERS | END_STREAM, 1, 5), frame(RST_STREAM, 0, 1, 4),
                frame(HEADERS, END_HEADERS, 3, 5), frame(RST_STREAM, 0, 3, 4));
        drain();
        assertThat(error(frame(DATA, 0, 3, 4))).isEqualTo(Http2Error.STREAM_CLOSED);
    }

    @Test
    void headersOnAnIdTheClientSkipped_isAConnectionErrorProtocolError() {
        send(frame(HEADERS, END_HEADERS | END_STREAM, 7, 5));
        drain();
        assertThat(error(frame(HEADERS, END_HEADERS | END_STREAM, 3, 5))).isEqualTo(Http2Error.PROTOCOL_ERROR);
    }

    @Test
    void framesInsideAHeaderBlock_areLeftToTheCodec() {
        send(frame(HEADERS, END_STREAM, 1, 2), frame(DATA, 0, 1, 1), frame(CONTINUATION, END_HEADERS, 1, 3));
        assertThat(passed()).isEqualTo(1);
        ch.checkException();
    }

    @Test
    void dataOnAStreamStillOpenOnTheClientsSide_passes_evenIfTheServerRefusedIt() {
        send(frame(HEADERS, END_HEADERS, 1, 5), frame(HEADERS, END_HEADERS, 3, 5), frame(DATA, END_STREAM, 1, 4),
                frame(DATA, 0, 3, 4));
        assertThat(passed()).isEqualTo(1);
        ch.checkException();
    }

    @Test
    void whenTooManyStreamsStayOpen_theOldestAreNoLongerJudged() {
        for (int i = 0; i <= StreamStateGuard.MAX_OPEN; i++) {
            send(frame(HEADERS, END_HEADERS, 1 + 2 * i, 5));
        }
        send(frame(DATA, END_STREAM, 1, 4), frame(DATA, END_STREAM, 1, 4)); // stream 1 was forgotten
        drain();
        ch.checkException();
        send(frame(DATA, END_STREAM, 3, 4));
        assertThat(error(frame(DATA, END_STREAM, 3, 4))).as("stream 3 is still tracked").isEqualTo(Http2Error.STREAM_CLOSED);
    }

    @Test
    void frameHeadersSplitAcrossReads_areReadWhole() {
        byte[] all = concat(frame(HEADERS, END_HEADERS | END_STREAM, 1, 5), frame(DATA, 0, 1, 4));
        assertThatThrownBy(() -> {
            for (byte b : all) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        }).isInstanceOf(Http2Exception.class).hasMessageContaining("DATA on stream 1");
    }

    private void send(byte[]... frames) {
        ch.writeInbound(Unpooled.wrappedBuffer(concat(frames)));
    }

    private Http2Error error(byte[] frame) {
        try {
            send(frame); // the embedded channel rethrows, unchecked, what the guard fired towards the codec
        } catch (Exception e) {
            assertThat(e).isInstanceOf(Http2Exception.class);
            return ((Http2Exception) e).error();
        }
        throw new AssertionError("no connection error");
    }

    private int passed() {
        return drain();
    }

    private int drain() {
        int n = 0;
        for (ByteBuf b; (b = ch.readInbound()) != null; n++) {
            b.release();
        }
        return n;
    }

    private static byte[] frame(int type, int flags, int stream, int length) {
        byte[] f = new byte[9 + length];
        f[0] = (byte) (length >>> 16);
        f[1] = (byte) (length >>> 8);
        f[2] = (byte) length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
