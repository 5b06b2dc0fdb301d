package io.rampart.config;

/**
 * Size limits on requests. Over-long request lines get {@code 414}, heads {@code 431}, bodies {@code 413}.
 */
public record HttpLimitsConfig(ByteSize maxRequestLine, ByteSize maxHeaderSize, Integer maxHeaders, ByteSize maxBodySize) {
    public static final HttpLimitsConfig DEFAULT = new HttpLimitsConfig(null, null, null, null);

    public HttpLimitsConfig {
        maxRequestLine = maxRequestLine == null ? ByteSize.ofBytes(8 * 1024) : maxRequestLine;
        maxHeaderSize = maxHeaderSize == null ? ByteSize.ofBytes(16 * 1024) : maxHeaderSize;
        maxHeaders = maxHeaders == null ? 100 : maxHeaders;
        maxBodySize = maxBodySize == null ? ByteSize.ofBytes(100L * 1024 * 1024) : maxBodySize;
    }
}
