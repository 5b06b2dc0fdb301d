package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a connection to an origin: Netty's {@code HttpClientCodec} (requests out,
 * responses in, each response paired with its request's method so that the answer to a HEAD has no
 * body), with a response parser that allocates less.
 *
 * <p>Netty's response decoder makes a new string or {@link AsciiString} of every word of the status
 * line and every header name: on a typical origin answer (nginx: eight headers) about 650 bytes of
 * a request's 2.6 KB of garbage. Its request decoder returns constants for five common names;
 * this one does the same for responses. The status line's version, code and reason phrase, and
 * the names origins commonly send ({@link #COMMON_NAMES}, looked up in {@link HeaderNames}), are
 * returned as shared constants when their bytes match exactly (case included, so what is
 * forwarded is what the origin sent);
 * anything else is parsed as Netty does. Header values are still new strings (Netty keeps that
 * step private). The parsing, validation and limits are Netty's own.
 */
final class OriginCodec extends CombinedChannelDuplexHandler<OriginCodec.ResponseDecoder, OriginCodec.RequestEncoder> {
    /** Header names origins commonly send, in the spellings they send them. */
    static final List<String> COMMON_NAMES = List.of("Server", "Date", "Content-Type", "Content-Length", "Last-Modified",
            "Connection", "ETag", "Accept-Ranges", "Cache-Control", "Expires", "Vary", "Set-Cookie", "Location",
            "Transfer-Encoding", "Keep-Alive", "Content-Encoding", "Age", "Pragma", "Access-Control-Allow-Origin",
            "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
            "Referrer-Policy", "X-Powered-By", "Content-Language", "Content-Disposition", "Link", "Alt-Svc",
            "server", "date", "content-type", "content-length", "last-modified", "connection", "etag",
            "accept-ranges", "cache-control", "expires", "vary", "set-cookie", "location", "transfer-encoding",
            "keep-alive", "content-encoding", "age");
    private static final HeaderNames NAMES = new HeaderNames(COMMON_NAMES);
    /** "100" to "599", so that the status code is not a new string per response. */
    private static final String[] CODES = new String[600];

    static {
        for (int c = 100; c < 600; c++) {
            CODES[c] = Integer.toString(c);
        }
    }

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    /** After a CONNECT was answered 200 the connection is a tunnel: bytes pass through unparsed. */
    private boolean tunnel;

    OriginCodec() {
        this(new HttpDecoderConfig());
    }

    OriginCodec(HttpDecoderConfig config) {
        init(new ResponseDecoder(config), new RequestEncoder());
    }

    /** The shared constant spelled exactly as {@code length} bytes at {@code start}, or null. */
    static AsciiString commonName(byte[] bytes, int start, int length) {
        return NAMES.find(bytes, start, length);
    }

    /** Writes requests and remembers their methods, oldest first, for the responses to pair with. */
    final class RequestEncoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest) {
                methods.offer(((HttpRequest) msg).method());
            }
            super.encode(ctx, msg, out);
        }
    }

    /** Netty's response decoder, with constants for the common words and names. */
    final class ResponseDecoder extends HttpResponseDecoder {
        /** The status code of the line being split: its reason phrase is compared with the standard one. */
        private int code;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (tunnel) {
                int readable = actualReadableBytes();
                if (readable > 0) {
                    out.add(buffer.readBytes(readable));
                }
                return;
            }
            super.decode(ctx, buffer, out);
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] b, int start, int length) {
            if (length == 8 && b[start] == 'H' && b[start + 1] == 'T' && b[start + 2] == 'T' && b[start + 3] == 'P'
                    && b[start + 4] == '/' && b[start + 6] == '.') {
                if (b[start + 5] == '1' && b[start + 7] == '1') {
                    return HttpVersion.HTTP_1_1.text();
                }
                if (b[start + 5] == '1' && b[start + 7] == '0') {
                    return HttpVersion.HTTP_1_0.text();
                }
            }
            return super.splitFirstWordInitialLine(b, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] b, int start, int length) {
            code = -1;
            if (length == 3) {
                int c = (b[start] - '0') * 100 + (b[start + 1] - '0') * 10 + (b[start + 2] - '0');
                if (b[start] >= '1' && b[start] <= '5' && isDigit(b[start + 1]) && isDigit(b[start + 2])) {
                    code = c;
                    return CODES[c];
                }
            }
            return super.splitSecondWordInitialLine(b, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] b, int start, int length) {
            if (code > 0) {
                String standard = HttpResponseStatus.valueOf(code).reasonPhrase();
                if (standard.length() == length && sameAscii(standard, b, start)) {
                    return standard;
                }
            }
            return super.splitThirdWordInitialLine(b, start, length);
        }

        @Override
        protected AsciiString splitHeaderName(byte[] b, int start, int length) {
            AsciiString common = commonName(b, start, length);
            return common != null ? common : super.splitHeaderName(b, start, length);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            HttpResponseStatus status = ((HttpResponse) msg).status();
            if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // not the final answer: the request's method stays queued
            }
            HttpMethod method = methods.poll();
            if (HttpMethod.HEAD.equals(method)) {
                return true;
            }
            if (HttpMethod.CONNECT.equals(method) && status.code() == 200) {
                tunnel = true;
                methods.clear();
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }

        private static boolean isDigit(byte c) {
            return c >= '0' && c <= '9';
        }

        private static boolean sameAscii(String s, byte[] b, int start) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) != b[start + i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
