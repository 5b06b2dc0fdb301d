package io.rampart.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One answer of the admin listener: status, type, body, extra headers. */
record Reply(HttpResponseStatus status, String type, byte[] body, Map<String, String> headers) {
    /** Instants as ISO-8601 text, as in incident records. */
    static final ObjectMapper JSON = io.rampart.incident.IncidentJson.MAPPER;

    static Reply json(HttpResponseStatus status, Object value) {
        try {
            return new Reply(status, "application/json", (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n")
                    .getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Reply ok(Object value) {
        return json(HttpResponseStatus.OK, value);
    }

    static Reply error(HttpResponseStatus status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return json(status, m);
    }

    static Reply text(HttpResponseStatus status, String type, String body) {
        return new Reply(status, type, body.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }

    Reply with(String header, String value) {
        headers.put(header, value);
        return this;
    }
}
