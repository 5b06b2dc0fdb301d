package io.rampart.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a client over its rate limit gets. */
public enum LimitAction {
    /** {@code 429 Too Many Requests} with {@code Retry-After}. */
    LIMIT,
    /** Hold the request for {@code tarpitDelay} (without holding a thread), then answer 429. */
    TARPIT,
    /** {@code 403 Forbidden}. */
    BLOCK,
    /** Close the connection without an answer. */
    CLOSE;

    @JsonCreator
    public static LimitAction parse(String text) {
        for (LimitAction a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(values()).map(LimitAction::toString).collect(Collectors.joining(", "))
                + ", got '" + text + "'");
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
