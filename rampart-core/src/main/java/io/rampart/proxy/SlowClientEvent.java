package io.rampart.proxy;

/** Fired by {@link ClientGuard} down the pipeline; {@link ClientConnection} answers and closes. */
enum SlowClientEvent {
    /** The request head did not complete within its deadline (slowloris). */
    HEAD_TIMEOUT,
    /** The body arrives below the minimum rate (slow POST). */
    BODY_TOO_SLOW,
    /** The client left our output buffer full for too long (slow read). */
    WRITE_TIMEOUT,
    /** Idle between keep-alive requests for too long. */
    IDLE_TIMEOUT,
    /** A header line continued with obsolete line folding. */
    OBS_FOLD,
    /** A chunked body's size line starts with whitespace ({@link ChunkedBodyScanner}). */
    MALFORMED_CHUNK
}
