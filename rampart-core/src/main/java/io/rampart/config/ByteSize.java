package io.rampart.config;

import java.util.Locale;

/** A size in bytes written as {@code 512}, {@code 16KB}, {@code 10MB} or {@code 1GB} (powers of 1024). */
public record ByteSize(long bytes) {
    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        String digits = s;
        if (s.endsWith("KB") || s.endsWith("K")) {
            unit = 1024L;
        } else if (s.endsWith("MB") || s.endsWith("M")) {
            unit = 1024L * 1024;
        } else if (s.endsWith("GB") || s.endsWith("G")) {
            unit = 1024L * 1024 * 1024;
        }
        if (unit != 1 || s.endsWith("B")) {
            digits = s.replaceAll("[KMGB]+$", "").trim();
        }
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("expected a size such as 512, 16KB, 10MB or 1GB, got '" + text + "'");
        }
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(digits), unit));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    @Override
    public String toString() {
        if (bytes % (1024L * 1024 * 1024) == 0 && bytes > 0) {
            return bytes / (1024L * 1024 * 1024) + "GB";
        }
        if (bytes % (1024L * 1024) == 0 && bytes > 0) {
            return bytes / (1024L * 1024) + "MB";
        }
        if (bytes % 1024 == 0 && bytes > 0) {
            return bytes / 1024 + "KB";
        }
        return Long.toString(bytes);
    }
}
