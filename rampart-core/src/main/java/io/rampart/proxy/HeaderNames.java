package io.rampart.proxy;

import io.netty.util.AsciiString;
import java.util.List;

/**
 * A fixed set of header names, each one shared {@link AsciiString}, found from the bytes a parser
 * has just read: what lets the HTTP/1.1 codecs ({@link OriginCodec}, {@link FrontCodec}) hand out
 * one constant for a common name instead of a new object per header per message.
 *
 * <p>Design note: the names are indexed by length and first byte (a table of
 * {@code maxLength × 128} slots, most empty), so a lookup compares one candidate, rarely two, and
 * compares bytes exactly: a name spelled in another case is not found, and the parser makes it
 * as it would have, so what is forwarded is what was received. Immutable after construction;
 * shared by every connection.
 */
final class HeaderNames {
    private final AsciiString[][][] table;

    HeaderNames(List<String> names) {
        int max = names.stream().mapToInt(String::length).max().orElse(0);
        table = new AsciiString[max + 1][128][];
        for (String n : names) {
            if (n.isEmpty() || n.charAt(0) >= 128) {
                throw new IllegalArgumentException("not a header name: '" + n + "'");
            }
            AsciiString[] row = table[n.length()][n.charAt(0)];
            AsciiString[] grown = row == null ? new AsciiString[1] : java.util.Arrays.copyOf(row, row.length + 1);
            grown[grown.length - 1] = AsciiString.cached(n);
            table[n.length()][n.charAt(0)] = grown;
        }
    }

    /** The shared constant spelled exactly as the {@code length} bytes at {@code start}, or null. */
    AsciiString find(byte[] bytes, int start, int length) {
        if (length == 0 || length >= table.length || bytes[start] < 0) {
            return null;
        }
        AsciiString[] candidates = table[length][bytes[start]];
        if (candidates == null) {
            return null;
        }
        for (AsciiString candidate : candidates) {
            byte[] c = candidate.array();
            int off = candidate.arrayOffset();
            int i = 1;
            while (i < length && c[off + i] == bytes[start + i]) {
                i++;
            }
            if (i == length) {
                return candidate;
            }
        }
        return null;
    }
}
