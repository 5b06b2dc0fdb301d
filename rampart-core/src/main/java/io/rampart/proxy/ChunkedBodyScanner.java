package io.rampart.proxy;

import io.netty.util.ByteProcessor;

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
final class ChunkedBodyScanner implements ByteProcessor {
    private enum State { SIZE_FIRST, SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_END, DONE }

    private State state = State.DONE;
    private long remaining;
    private boolean lastChunk;
    private boolean malformed;

    /** A chunked body starts with the next byte. */
    void start() {
        state = State.SIZE_FIRST;
        remaining = 0;
        lastChunk = false;
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
     * Consumes {@code length} bytes of {@code data} from {@code from} (the caller's buffer, read
     * through {@code byteAt}); returns how many were consumed: all of them, or fewer when the body
     * ended (what follows is the next request) or was found malformed.
     */
    int scan(io.netty.buffer.ByteBuf data, int from, int length) {
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
            process(data.getByte(i++));
        }
        return i - from;
    }

    @Override
    public boolean process(byte b) {
        switch (state) {
            case SIZE_FIRST:
                if (b == ' ' || b == '\t') {
                    malformed = true; // whitespace before the chunk size
                    return false;
                }
                state = State.SIZE;
                return size(b);
            case SIZE:
                return size(b);
            case EXTENSION:
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == '\n') {
                    endOfSizeLine();
                }
                return true;
            case SIZE_LF:
                endOfSizeLine();
                return true;
            case DATA_CR:
                state = b == '\r' ? State.DATA_LF : State.SIZE_FIRST; // anything else: Netty refuses it
                return true;
            case DATA_LF:
                state = State.SIZE_FIRST;
                return true;
            case TRAILER_START:
                if (b == '\r') {
                    state = State.TRAILER_END;
                } else if (b == '\n') {
                    state = State.DONE;
                } else {
                    state = State.TRAILER;
                }
                return true;
            case TRAILER:
                if (b == '\n') {
                    state = State.TRAILER_START;
                }
                return true;
            case TRAILER_END:
                state = State.DONE;
                return true;
            default:
                return true;
        }
    }

    private boolean size(byte b) {
        int digit = Character.digit((char) b, 16);
        if (digit >= 0) {
            if (remaining < (1L << 40)) {
                remaining = remaining * 16 + digit;
            }
            lastChunk = remaining == 0;
            return true;
        }
        if (b == '\r') {
            state = State.SIZE_LF;
        } else if (b == '\n') {
            endOfSizeLine();
        } else {
            state = State.EXTENSION; // ';' extensions, or whitespace before them: Netty judges
        }
        return true;
    }

    private void endOfSizeLine() {
        if (lastChunk) {
            state = State.TRAILER_START;
        } else {
            state = remaining > 0 ? State.DATA : State.TRAILER_START;
        }
    }
}
