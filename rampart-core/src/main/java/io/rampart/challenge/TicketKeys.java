package io.rampart.challenge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC keys that sign tickets, one per rotation period, derived from one master secret.
 *
 * <p>Design note: the key of period {@code p = ⌊now / rotation⌋} is
 * {@code HMAC-SHA256(secret, "rampart-ticket-key/" ‖ p)}. A ticket names the period it was signed
 * in; the current and the previous period are accepted, so a key rotation never invalidates a
 * clearance issued just before it, and a key leaked today is useless two periods later. Because
 * keys are derived, nodes sharing the secret (a cluster, or a restart with a configured secret)
 * accept each other's tickets without exchanging keys. {@code Mac} objects are not thread-safe and
 * costly to create, so each thread keeps one per recent period.
 */
public final class TicketKeys {
    private final byte[] secret;
    private final long rotationMillis;
    private final LongSupplier wallMillis;
    private final ThreadLocal<MacSlots> macs = ThreadLocal.withInitial(MacSlots::new);

    /**
     * @param secret     the master secret; {@code null} for a random one (tickets then die with the process)
     * @param rotation   how long one key signs new tickets
     * @param wallMillis the wall clock, in milliseconds since the epoch
     */
    public TicketKeys(String secret, Duration rotation, LongSupplier wallMillis) {
        if (secret == null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.secret = random;
        } else {
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
        }
        this.rotationMillis = rotation.toMillis();
        this.wallMillis = wallMillis;
        if (rotationMillis <= 0) {
            throw new IllegalArgumentException("rotation must be positive");
        }
    }

    /** Seconds since the epoch, by the injected clock. */
    long nowSeconds() {
        return Math.floorDiv(wallMillis.getAsLong(), 1000L);
    }

    /** The period new tickets are signed in. */
    int currentPeriod() {
        return (int) Math.floorDiv(wallMillis.getAsLong(), rotationMillis);
    }

    /** Whether tickets signed in {@code period} are still accepted: this period or the one before. */
    boolean accepts(int period) {
        int now = currentPeriod();
        return period == now || period == now - 1;
    }

    /** A ready {@code Mac} for {@code period}, owned by the calling thread; do not keep it. */
    Mac mac(int period) {
        return macs.get().forPeriod(period);
    }

    private final class MacSlots {
        private final int[] periods = {Integer.MIN_VALUE, Integer.MIN_VALUE};
        private final Mac[] slots = new Mac[2];

        Mac forPeriod(int period) {
            int i = period & 1; // the two accepted periods are adjacent, so they never share a slot
            if (slots[i] == null || periods[i] != period) {
                slots[i] = newMac(period);
                periods[i] = period;
            }
            return slots[i];
        }
    }

    private Mac newMac(int period) {
        try {
            Mac master = Mac.getInstance("HmacSHA256");
            master.init(new SecretKeySpec(secret, "HmacSHA256"));
            master.update("rampart-ticket-key/".getBytes(StandardCharsets.US_ASCII));
            byte[] key = master.doFinal(ByteBuffer.allocate(4).putInt(period).array());
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
        }
    }
}
