package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a client connection: Netty's {@code HttpServerCodec} (requests in,
 * responses out; the answer to a HEAD written without a body, a 2xx to CONNECT without framing
 * headers, and the connection closed after answering a request that carried both
 * {@code Transfer-Encoding} and {@code Content-Length}), with a request parser that allocates less.
 *
 * <p>Netty's request decoder returns constants for five header names ({@code Host},
 * {@code Accept}, {@code Connection}, {@code Content-Type}, {@code Content-Length}) and makes a
 * new {@link AsciiString} for every other name of every request. A browser sends a dozen more
 * ({@code User-Agent}, {@code Accept-Encoding}, {@code Sec-Fetch-*}, {@code Cookie}, …): about
 * 600 bytes of garbage a request. This decoder returns shared constants for those
 * ({@link #COMMON_NAMES}, matched byte for byte, {@link HeaderNames}); parsing, validation and
 * limits stay Netty's.
 */
final class FrontCodec extends CombinedChannelDuplexHandler<FrontCodec.RequestDecoder, FrontCodec.ResponseEncoder> {
    /** Request header names browsers and common clients send, in the spellings they send them. */
    static final List<String> COMMON_NAMES = List.of("User-Agent", "Accept-Encoding", "Accept-Language", "Cookie", "Referer",
            "Origin", "Cache-Control", "Pragma", "Upgrade-Insecure-Requests", "Sec-Fetch-Dest", "Sec-Fetch-Mode",
            "Sec-Fetch-Site", "Sec-Fetch-User", "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform", "sec-ch-ua",
            "sec-ch-ua-mobile", "sec-ch-ua-platform", "If-None-Match", "If-Modified-Since", "DNT", "Priority", "TE",
            "X-Requested-With", "X-Forwarded-For", "Authorization", "Range", "Upgrade", "Sec-WebSocket-Key",
            "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Keep-Alive", "Transfer-Encoding", "Expect", "Via",
            "Forwarded", "X-Real-IP", "user-agent", "accept-encoding", "accept-language", "cookie", "referer", "origin",
            "cache-control", "pragma", "accept", "host", "connection", "content-type", "content-length", "authorization",
            "range", "if-none-match", "if-modified-since", "priority", "x-requested-with", "x-forwarded-for");
    private static final HeaderNames NAMES = new HeaderNames(COMMON_NAMES);

    private static final byte OTHER = 0;
    private static final byte HEAD = 1;
    private static final byte CONNECT = 2;

    /** The methods of requests read and not yet answered, oldest first (Byte values are cached: no allocation). */
    private final ArrayDeque<Byte> methods = new ArrayDeque<>(4);
    private boolean mustCloseAfterResponse;

    FrontCodec(HttpDecoderConfig config) {
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    /** The shared constant spelled exactly as {@code length} bytes at {@code start}, or null. */
    static AsciiString commonName(byte[] bytes, int start, int length) {
        return NAMES.find(bytes, start, length);
    }

    private static byte flagOf(HttpMethod m) {
        if (HttpMethod.HEAD.equals(m)) {
            return HEAD;
        }
        return HttpMethod.CONNECT.equals(m) ? CONNECT : OTHER;
    }

    /** Netty's request decoder, remembering each request's method for its response, with constants for common names. */
    final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest) {
                    methods.offer(flagOf(((HttpRequest) out.get(i)).method()));
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            mustCloseAfterResponse = true; // framing was ambiguous: answer, then close (RFC 9112 §6.1)
        }

        @Override
        protected AsciiString splitHeaderName(byte[] b, int start, int length) {
            AsciiString common = NAMES.find(b, start, length);
            return common != null ? common : super.splitHeaderName(b, start, length);
        }
    }

    /** Netty's response encoder, answering each request as its method requires. */
    final class ResponseEncoder extends HttpResponseEncoder {
        private byte method = OTHER;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (mustCloseAfterResponse && msg instanceof LastHttpContent) {
                mustCloseAfterResponse = false;
                promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && method == CONNECT && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // a tunnel follows: no body framing
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // not the final answer: the request stays queued
            }
            Byte next = methods.poll();
            method = next == null ? OTHER : next;
            return method == HEAD || super.isContentAlwaysEmpty(msg);
        }
    }
}
