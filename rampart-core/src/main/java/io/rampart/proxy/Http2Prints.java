package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.rampart.traffic.ConnectionPrints;
import java.util.Iterator;
import java.util.Map;

/**
 * The HTTP/2 connection fingerprint, in the widely used Akamai form
 * {@code 1:65536;3:1000;4:6291456|15663105|0|m,a,s,p}: the client's first SETTINGS in the order
 * sent, its first connection-level WINDOW_UPDATE increment ({@code 00} if none), PRIORITY frames
 * seen before the first request ({@code 0} if none), and the order of the first request's
 * pseudo-headers. Browsers, libraries and bots differ in all four.
 *
 * <p>Sits before the HTTP/2 codec and only looks: it copies the first bytes of the connection
 * (at most {@value #MAX_PEEK}) as they pass, parses frame headers and SETTINGS/WINDOW_UPDATE/PRIORITY
 * payloads (the codec keeps SETTINGS in a map and loses their order), and removes itself at the
 * first HEADERS frame. The pseudo-header order comes from the codec's decoded first HEADERS.
 */
final class Http2Prints extends ChannelInboundHandlerAdapter {
    static final int MAX_PEEK = 4096;
    private static final int PREFACE = 24;
    private final ConnectionPrints prints;
    private final byte[] seen = new byte[MAX_PEEK];
    private int length;
    private int parsed = PREFACE;
    private String settings;
    private String windowUpdate = "00";
    private int priorities;
    private boolean done;

    Http2Prints(ConnectionPrints prints) {
        this.prints = prints;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && length < MAX_PEEK) {
            ByteBuf b = (ByteBuf) msg;
            int n = Math.min(b.readableBytes(), MAX_PEEK - length);
            b.getBytes(b.readerIndex(), seen, length, n);
            length += n;
            parse();
            if (length >= MAX_PEEK || sawHeaders) {
                ctx.pipeline().remove(this);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean sawHeaders;

    private void parse() {
        while (parsed + 9 <= length) {
            int len = ((seen[parsed] & 0xff) << 16) | ((seen[parsed + 1] & 0xff) << 8) | (seen[parsed + 2] & 0xff);
            int type = seen[parsed + 3] & 0xff;
            int flags = seen[parsed + 4] & 0xff;
            int stream = ((seen[parsed + 5] & 0x7f) << 24) | ((seen[parsed + 6] & 0xff) << 16) | ((seen[parsed + 7] & 0xff) << 8) | (seen[parsed + 8] & 0xff);
            int body = parsed + 9;
            if (type == 0x1) {
                sawHeaders = true;
                return;
            }
            if (body + len > length) {
                return; // wait for the rest of this frame
            }
            if (type == 0x4 && (flags & 0x1) == 0 && settings == null) {
                StringBuilder sb = new StringBuilder();
                for (int i = body; i + 6 <= body + len; i += 6) {
                    int id = ((seen[i] & 0xff) << 8) | (seen[i + 1] & 0xff);
                    long value = ((long) (seen[i + 2] & 0xff) << 24) | ((seen[i + 3] & 0xff) << 16) | ((seen[i + 4] & 0xff) << 8) | (seen[i + 5] & 0xff);
                    sb.append(sb.length() == 0 ? "" : ";").append(id).append(':').append(value);
                }
                settings = sb.toString();
            } else if (type == 0x8 && stream == 0 && "00".equals(windowUpdate) && len == 4) {
                long inc = ((long) (seen[body] & 0x7f) << 24) | ((seen[body + 1] & 0xff) << 16) | ((seen[body + 2] & 0xff) << 8) | (seen[body + 3] & 0xff);
                windowUpdate = Long.toString(inc);
            } else if (type == 0x2) {
                priorities++;
            }
            parsed = body + len;
        }
    }

    boolean done() {
        return done;
    }

    /** The first request's headers arrived (decoded): the fingerprint is complete. */
    void firstHeaders(Http2Headers headers) {
        done = true;
        StringBuilder order = new StringBuilder();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iterator(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() >= 2 && name.charAt(0) == ':') {
                order.append(order.length() == 0 ? "" : ",").append(name.charAt(1));
            }
        }
        prints.h2((settings == null ? "" : settings) + "|" + windowUpdate + "|" + priorities + "|" + order);
    }
}
