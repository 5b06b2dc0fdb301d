package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;

/**
 * Two rules of RFC 9113 §5.1 that Netty's codec cannot apply because it forgets closed streams (it
 * answers both with the lesser stream error STREAM_CLOSED, or ignores the frame):
 * <ul>
 *   <li>a HEADERS frame on an id the client skipped (it opens streams with ever larger ids) is "an
 *       unexpected stream identifier": connection error PROTOCOL_ERROR (§5.1.1);</li>
 *   <li>a DATA or HEADERS frame on a stream the client itself already ended (END_STREAM or
 *       RST_STREAM) breaks the state machine: connection error STREAM_CLOSED (§5.1, "closed";
 *       for a stream still half-closed (remote) the stream error is raised to a connection error,
 *       which §5.4 allows). No race makes this legal: only the client's own frames decide it.</li>
 * </ul>
 *
 * <p>Design note: sits before the codec and reads only the 9-byte frame headers as the bytes pass
 * (a few comparisons per frame, nothing allocated). It remembers the ranges of ids the client
 * skipped (at most {@value #MAX_GAPS}) and the streams the client opened and has not ended yet (at
 * most {@value #MAX_OPEN}: a request with a body until its last DATA frame; GETs end on their
 * HEADERS and are never stored). Streams the server refused or reset stay "open" here, so the
 * client's in-flight DATA for them still reaches the codec, which ignores it as the RFC asks. When
 * either table is full, the oldest entry is forgotten and ids at or below it are no longer judged:
 * the guard falls back to Netty's answer rather than guess.
 */
final class StreamStateGuard extends ChannelInboundHandlerAdapter {
    static final int MAX_GAPS = 16;
    static final int MAX_OPEN = 256;
    private static final int PREFACE = 24;
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private final byte[] header = new byte[9];
    private final int[] gapFrom = new int[MAX_GAPS];
    private final int[] gapTo = new int[MAX_GAPS];
    private final int[] open = new int[MAX_OPEN];
    private int gaps;
    private int opened;
    private int headerBytes;
    private long skip = PREFACE;
    private int highest = -1;
    /** A header block is open (HEADERS without END_HEADERS): only CONTINUATION may follow. */
    private boolean inHeaderBlock;
    /** Ids at or below this one are not judged (a table overflowed). */
    private int floor = -1;
    private Http2Exception failure;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failure != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            failure = scan((ByteBuf) msg);
            if (failure != null) {
                ReferenceCountUtil.release(msg);
                // the codec answers a connection error with GOAWAY(code) and closes
                ctx.fireExceptionCaught(failure);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Reads the frame headers in {@code b}; returns the connection error a frame raises, else null. */
    private Http2Exception scan(ByteBuf b) {
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
                Http2Exception e = frame(header[3], header[4],
                        ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff));
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    private Http2Exception frame(int type, int flags, int stream) {
        if (inHeaderBlock) {
            // any other frame inside a header block is the codec's PROTOCOL_ERROR (RFC 9113 4.3)
            inHeaderBlock = type == CONTINUATION && (flags & END_HEADERS) == 0;
            return null;
        }
        if (type == HEADERS && (flags & END_HEADERS) == 0) {
            inHeaderBlock = true;
        }
        if ((stream & 1) == 0 || type != DATA && type != HEADERS && type != RST_STREAM) {
            return null; // stream 0 and even ids are the codec's to refuse
        }
        boolean ends = type == RST_STREAM || (flags & END_STREAM) != 0;
        if (stream > highest) {
            if (type == HEADERS) {
                int first = highest < 0 ? 1 : highest + 2;
                if (stream > first) {
                    remember(first, stream - 2);
                }
                highest = stream;
                if (!ends) {
                    markOpen(stream);
                }
            }
            return null; // DATA or RST_STREAM on an idle stream: the codec's PROTOCOL_ERROR
        }
        if (stream <= floor) {
            return null;
        }
        int slot = openSlot(stream);
        if (slot >= 0) {
            if (ends) {
                close(slot);
            }
            return null; // a body, trailers or a reset on a stream still open on the client's side
        }
        if (type == RST_STREAM) {
            return null; // resetting a stream again is harmless
        }
        if (skipped(stream)) {
            return type == HEADERS ? Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "HEADERS on stream %d, an id skipped earlier (RFC 9113 5.1.1)", stream) : null;
        }
        return Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                "%s on stream %d, which the client already ended (RFC 9113 5.1)", type == DATA ? "DATA" : "HEADERS", stream);
    }

    private boolean skipped(int stream) {
        for (int g = 0; g < gaps; g++) {
            if (stream >= gapFrom[g] && stream <= gapTo[g]) {
                return true;
            }
        }
        return false;
    }

    private void remember(int from, int to) {
        if (gaps == MAX_GAPS) {
            floor = Math.max(floor, gapTo[0]);
            System.arraycopy(gapFrom, 1, gapFrom, 0, MAX_GAPS - 1);
            System.arraycopy(gapTo, 1, gapTo, 0, MAX_GAPS - 1);
            gaps--;
        }
        gapFrom[gaps] = from;
        gapTo[gaps] = to;
        gaps++;
    }

    /** The newest streams are the likeliest to carry frames: searched from the end. */
    private int openSlot(int stream) {
        for (int s = opened - 1; s >= 0; s--) {
            if (open[s] == stream) {
                return s;
            }
        }
        return -1;
    }

    private void markOpen(int stream) {
        if (opened == MAX_OPEN) {
            floor = Math.max(floor, open[0]);
            close(0);
        }
        open[opened++] = stream;
    }

    private void close(int slot) {
        System.arraycopy(open, slot + 1, open, slot, opened - slot - 1);
        opened--;
    }
}
