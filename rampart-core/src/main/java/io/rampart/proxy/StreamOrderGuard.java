package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;

/**
 * Enforces RFC 9113 §5.1.1 on an HTTP/2 connection: a client opens streams with ever larger ids, so
 * a HEADERS frame on an id it skipped is "an unexpected stream identifier", a connection error of
 * type PROTOCOL_ERROR. Netty cannot tell a skipped id from a closed stream (it forgets closed
 * streams) and answers both with the lesser stream error STREAM_CLOSED.
 *
 * <p>Design note: sits before the codec and reads only the 9-byte frame headers as the bytes pass
 * (a few comparisons per frame, nothing allocated), remembering the ranges of ids the client skipped
 * when it jumped ahead. Clients open ids in order, so there are usually none; at most
 * {@value #MAX_GAPS} are kept (the oldest forgotten first, which falls back to Netty's answer).
 */
final class StreamOrderGuard extends ChannelInboundHandlerAdapter {
    static final int MAX_GAPS = 16;
    private static final int PREFACE = 24;
    private static final int HEADERS = 0x1;
    private final byte[] header = new byte[9];
    private final int[] gapFrom = new int[MAX_GAPS];
    private final int[] gapTo = new int[MAX_GAPS];
    private int gaps;
    private int headerBytes;
    private long skip = PREFACE;
    private int highest = -1;
    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            int bad = scan((ByteBuf) msg);
            if (bad > 0) {
                failed = true;
                ReferenceCountUtil.release(msg);
                // the codec answers a connection error with GOAWAY(PROTOCOL_ERROR) and closes
                ctx.fireExceptionCaught(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                        "HEADERS on stream %d, an id skipped earlier (RFC 9113 5.1.1)", bad));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Reads the frame headers in {@code b}; returns the id of a stream opened out of order, else 0. */
    private int scan(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        while (i < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                skip -= n;
                i += n;
                continue;
            }
            header[headerBytes++] = b.getByte(i++);
            if (headerBytes == 9) {
                headerBytes = 0;
                skip = ((header[0] & 0xffL) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                if (header[3] == HEADERS) {
                    int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
                    if (opened(stream)) {
                        return stream;
                    }
                }
            }
        }
        return 0;
    }

    /** Records a HEADERS frame's stream; true when it falls in a range the client skipped. */
    private boolean opened(int stream) {
        if ((stream & 1) == 0) {
            return false; // even ids are the codec's to refuse
        }
        if (stream > highest) {
            int first = highest < 0 ? 1 : highest + 2;
            if (stream > first) {
                remember(first, stream - 2);
            }
            highest = stream;
            return false;
        }
        for (int g = 0; g < gaps; g++) {
            if (stream >= gapFrom[g] && stream <= gapTo[g]) {
                return true;
            }
        }
        return false;
    }

    private void remember(int from, int to) {
        if (gaps == MAX_GAPS) {
            System.arraycopy(gapFrom, 1, gapFrom, 0, MAX_GAPS - 1);
            System.arraycopy(gapTo, 1, gapTo, 0, MAX_GAPS - 1);
            gaps--;
        }
        gapFrom[gaps] = from;
        gapTo[gaps] = to;
        gaps++;
    }
}
