package io.rampart.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Follows the framing of a chunked request body in the raw bytes, ahead of Netty's decoder, to
 * refuse what the decoder tolerates and nginx and HAProxy refuse: a chunk-size line that starts
 * with whitespace ({@code " 5\r\n"}). Netty's decoder skips such whitespace; a front that accepts
 * what an origin or another hop would parse differently invites desynchronisation.
 *
 * <p>Design note: a small state machine over bytes (size, extension, CRLF, data, trailers), fed
 * by {@link ClientGuard} from the end of a head that declared {@code Transfer-Encoding} until the
 * empty line after the last chunk's trailers. It only judges the one thing above; everything else
 * about the framing (hex digits, CRLFs, sizes) stays Netty's to refuse. Data is skipped in bulk,
 * never copied. No allocation.
 */
final class ChunkedBodyScanner {
    private enum State { SIZE_FIRST, SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_END, DONE }

    private State state = State.DONE;
    private long remaining;
    private boolean malformed;

    /** A chunked body starts with the next byte. */
    void start() {
        state = State.SIZE_FIRST;
        remaining = 0;
        malformed = false;
    }

    /** Whether a chunked body is being followed. */
    boolean active() {
        return state != State.DONE;
    }

    /** Whether the body broke the rule this scanner enforces. */
    boolean malformed() {
        return malformed;
    }

    /**
     * Follows {@code length} bytes of {@code data} from {@code from}, stopping early when the body
     * ends (what follows is the next request's) or is found malformed. Reads without moving the
     * buffer's indexes.
     */
    void scan(ByteBuf data, int from, int length) {
        int i = from;
        int end = from + length;
        while (i < end && state != State.DONE && !malformed) {
            if (state == State.DATA) {
                long skip = Math.min(remaining, end - i);
                i += (int) skip;
                remaining -= skip;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            step(data.getByte(i++));
        }
    }

    private void step(byte b) {
        switch (state) {
            case SIZE_FIRST:
                if (b == ' ' || b == '\t') {
                    malformed = true; // whitespace before the chunk size
                    return;
                }
                state = State.SIZE;
                size(b);
                return;
            case SIZE:
                size(b);
                return;
            case EXTENSION:
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == '\n') {
                    endOfSizeLine();
                }
                return;
            case SIZE_LF:
                endOfSizeLine();
                return;
            case DATA_CR:
                state = b == '\r' ? State.DATA_LF : State.SIZE_FIRST; // anything else: Netty refuses it
                return;
            case DATA_LF:
                state = State.SIZE_FIRST;
                return;
            case TRAILER_START:
                if (b == '\r') {
                    state = State.TRAILER_END;
                } else if (b == '\n') {
                    state = State.DONE;
                } else {
                    state = State.TRAILER;
                }
                return;
            case TRAILER:
                if (b == '\n') {
                    state = State.TRAILER_START;
                }
                return;
            case TRAILER_END:
                state = State.DONE;
                return;
            default:
        }
    }

    private void size(byte b) {
        int digit = Character.digit((char) b, 16);
        if (digit >= 0) {
            if (remaining < (1L << 40)) {
                remaining = remaining * 16 + digit;
            }
            return;
        }
        if (b == '\r') {
            state = State.SIZE_LF;
        } else if (b == '\n') {
            endOfSizeLine();
        } else {
            state = State.EXTENSION; // ';' extensions, or whitespace before them: Netty judges
        }
    }

    /** A size of 0 is the last chunk: its trailers follow. */
    private void endOfSizeLine() {
        state = remaining > 0 ? State.DATA : State.TRAILER_START;
    }
}
