package io.rampart.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kinds of value the configuration model holds, read from its record components' types: one
 * classification for {@link ConfigShape} (which checks a file) and {@link ConfigSchema} (which
 * describes it to editors), so the two cannot disagree about what a key takes.
 */
enum ConfigKind {
    /** A mapping of settings: a record. */
    RECORD,
    /** A list; a single value is a list of one. */
    LIST,
    /** A mapping of names to values. */
    MAP,
    WHOLE_NUMBER,
    NUMBER,
    BOOLEAN,
    TEXT,
    /** {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}. */
    DURATION,
    /** {@code 512}, {@code 16KB}, {@code 10MB}, {@code 1GB}. */
    SIZE,
    /** One of an enum's {@code @JsonValue} names. */
    ENUM;

    static ConfigKind of(Type type) {
        Class<?> raw = raw(type);
        if (raw == ByteSize.class) {
            return SIZE;
        } else if (raw.isRecord()) {
            return RECORD;
        } else if (List.class.isAssignableFrom(raw)) {
            return LIST;
        } else if (Map.class.isAssignableFrom(raw)) {
            return MAP;
        } else if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return WHOLE_NUMBER;
        } else if (raw == Double.class || raw == double.class) {
            return NUMBER;
        } else if (raw == Boolean.class || raw == boolean.class) {
            return BOOLEAN;
        } else if (raw == String.class) {
            return TEXT;
        } else if (raw == Duration.class) {
            return DURATION;
        } else if (raw.isEnum()) {
            return ENUM;
        }
        throw new IllegalStateException("no configuration kind for " + raw.getName() + ": teach ConfigKind");
    }

    static Class<?> raw(Type type) {
        return type instanceof Class ? (Class<?>) type : (Class<?>) ((ParameterizedType) type).getRawType();
    }

    /** A list's element type, or a map's value type. */
    static Type contents(Type type) {
        Type[] args = ((ParameterizedType) type).getActualTypeArguments();
        return args[args.length - 1];
    }
}
