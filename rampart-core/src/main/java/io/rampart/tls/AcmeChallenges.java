package io.rampart.tls;

import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP-01 challenge answers waiting for the CA: token to key authorization. The ACME manager puts
 * them while an order is in progress; the data plane answers {@code GET /.well-known/acme-challenge/TOKEN}
 * from here before any routing, limit or challenge (the CA's validators must always get through).
 */
public final class AcmeChallenges {
    public static final String PREFIX = "/.well-known/acme-challenge/";
    private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();

    public void put(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    public void remove(String token) {
        answers.remove(token);
    }

    /** The answer for a request target, or null when it is not a pending challenge. */
    public String answer(String target) {
        if (answers.isEmpty() || !target.startsWith(PREFIX)) {
            return null;
        }
        return answers.get(target.substring(PREFIX.length()));
    }
}
