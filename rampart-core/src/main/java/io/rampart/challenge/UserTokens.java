package io.rampart.challenge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed user tokens minted by the protected site's own application: proof that a client belongs
 * to a logged-in user, without mTLS and without Rampart knowing the site's sessions.
 *
 * <p>Format: {@code USER.EXPIRY.HMAC}, where {@code USER} is any id of letters, digits,
 * {@code -} and {@code _} (at most 64), {@code EXPIRY} is seconds since the epoch, and {@code HMAC}
 * is the lower-case hex HMAC-SHA256 of {@code USER.EXPIRY} under the shared secret. Minting is one
 * line in any language, for example in Python:
 * {@code hmac.new(secret, f"{user}.{exp}".encode(), "sha256").hexdigest()}.
 * The comparison is constant-time; the token is not bound to an address, since the site's own
 * session is not either.
 */
public final class UserTokens {
    private static final int MAX_USER = 64;

    private final byte[] secret;
    private final LongSupplier wallMillis;
    private final ThreadLocal<Mac> macs;

    public UserTokens(String secret, LongSupplier wallMillis) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.wallMillis = wallMillis;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Whether {@code token} is well-formed, signed with the secret, and not expired. */
    public boolean valid(String token) {
        if (token == null || token.length() > MAX_USER + 1 + 12 + 1 + 64) {
            return false;
        }
        int dot2 = token.lastIndexOf('.');
        int dot1 = dot2 <= 0 ? -1 : token.lastIndexOf('.', dot2 - 1);
        if (dot1 <= 0 || dot1 > MAX_USER || token.length() - dot2 - 1 != 64) {
            return false;
        }
        for (int i = 0; i < dot1; i++) {
            char c = token.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        long expiry = 0;
        if (dot2 - dot1 - 1 < 1 || dot2 - dot1 - 1 > 12) {
            return false;
        }
        for (int i = dot1 + 1; i < dot2; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            expiry = expiry * 10 + (c - '0');
        }
        if (expiry <= Math.floorDiv(wallMillis.getAsLong(), 1000L)) {
            return false;
        }
        byte[] expected = macs.get().doFinal(token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII));
        byte[] given;
        try {
            given = HexFormat.of().parseHex(token, dot2 + 1, token.length());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < expected.length; i++) {
            diff |= expected[i] ^ given[i];
        }
        return diff == 0;
    }

    /** Mints a token (for tests and for operators trying the feature out). */
    public String mint(String user, long expirySeconds) {
        String body = user + "." + expirySeconds;
        return body + "." + HexFormat.of().formatHex(macs.get().doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
