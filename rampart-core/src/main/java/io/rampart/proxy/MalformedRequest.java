package io.rampart.proxy;

/**
 * Fired down an HTTP/2 stream's pipeline when its request is malformed in a way HTTP/1.1's decoder
 * would have refused (a field value with CR, LF or NUL; a {@code :path} not in origin form): the
 * stream is reset with {@code PROTOCOL_ERROR} and its {@link ClientConnection} writes the request's
 * access-log line, as it does for an HTTP/1.1 request refused with {@code 400}.
 */
record MalformedRequest(String method, String target, String authority) {
}
