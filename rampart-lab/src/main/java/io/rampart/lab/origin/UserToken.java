package io.rampart.lab.origin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The campaign site's signed user token, as a site gives one to its logged-in users for Rampart:
 * {@code USER.EXPIRY.HMAC-SHA256(USER.EXPIRY)} in hex, under a secret shared with the gateway
 * ({@code knownUsers.tokenSecret} in targets/rampart.yml). A session cookie alone proves nothing to
 * Rampart (anyone can send one); this does.
 */
final class UserToken {
    static final String COOKIE = "rampart_user";
    static final String SECRET = "lab-campaign-user-token-secret";
    private static final long LIFETIME_SECONDS = 8 * 3600;

    private UserToken() {
    }

    static String mint(String user) {
        String payload = user + "." + (System.currentTimeMillis() / 1000 + LIFETIME_SECONDS);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return payload + "." + HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
