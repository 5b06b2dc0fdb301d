package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GcraTableTest {
    private static final long S = 1_000_000_000L;
    private final RateLimit tenPerSecondBurst5 = RateLimit.of(1, 10, 5);

    @Test
    void burstIsAllowedThenLimited_withExactWait() {
        GcraTable t = new GcraTable(1024);
        long now = 123 * S;
        for (int i = 0; i < 5; i++) {
            assertThat(t.acquire(42, tenPerSecondBurst5, now)).isZero();
        }
        long wait = t.acquire(42, tenPerSecondBurst5, now);
        assertThat(wait).isEqualTo(S / 10);
        // a denied request does not push the key further back
        assertThat(t.acquire(42, tenPerSecondBurst5, now)).isEqualTo(S / 10);
        assertThat(t.acquire(42, tenPerSecondBurst5, now + S / 10)).isZero();
    }

    @Test
    void aRefundGivesBackOneRequest_butNeverFillsBeyondFull() {
        GcraTable t = new GcraTable(1024);
        long now = 5 * S;
        for (int i = 0; i < 5; i++) {
            t.acquire(42, tenPerSecondBurst5, now);
        }
        assertThat(t.acquire(42, tenPerSecondBurst5, now)).isPositive();
        t.refund(42, tenPerSecondBurst5, now);
        assertThat(t.acquire(42, tenPerSecondBurst5, now)).as("the refunded place").isZero();
        assertThat(t.acquire(42, tenPerSecondBurst5, now)).isPositive();
        for (int i = 0; i < 20; i++) {
            t.refund(42, tenPerSecondBurst5, now);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(t.acquire(42, tenPerSecondBurst5, now)).isZero();
        }
        assertThat(t.acquire(42, tenPerSecondBurst5, now)).as("twenty refunds make one full bucket, no more").isPositive();
        t.refund(99, tenPerSecondBurst5, now); // a key with no state: nothing happens
        assertThat(t.liveEntries(now)).isEqualTo(1);
    }

    @Test
    void sustainedRateAtTheLimit_isAllowedForever() {
        GcraTable t = new GcraTable(1024);
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            now += S / 10;
            assertThat(t.acquire(7, tenPerSecondBurst5, now)).isZero();
        }
    }

    @Test
    void keysAndLimitsAreIndependent() {
        GcraTable t = new GcraTable(1024);
        RateLimit other = RateLimit.of(2, 10, 5);
        for (int i = 0; i < 5; i++) {
            t.acquire(1, tenPerSecondBurst5, 0);
        }
        assertThat(t.acquire(1, tenPerSecondBurst5, 0)).isPositive();
        assertThat(t.acquire(2, tenPerSecondBurst5, 0)).isZero();
        assertThat(t.acquire(1, other, 0)).isZero();
    }

    @Test
    void stateIsGoneOnceTheBucketIsFullAgain() {
        GcraTable t = new GcraTable(1024);
        t.acquire(1, tenPerSecondBurst5, 0);
        assertThat(t.liveEntries(0)).isEqualTo(1);
        assertThat(t.liveEntries(S)).isZero();
    }

    @Test
    void aMillionDistinctSources_stayWithinTheFixedTable() {
        GcraTable t = new GcraTable(1 << 14);
        long now = 5 * S;
        RateLimit strict = RateLimit.of(3, 1, 1);
        for (long k = 1; k <= 1_000_000; k++) {
            t.acquire(k, strict, now);
        }
        assertThat(t.capacity()).isEqualTo(1 << 14);
        assertThat(t.liveEntries(now)).isLessThanOrEqualTo(1 << 14);
    }

    @Test
    void eviction_onlyEverMakesALimitMoreLenient() {
        // a tiny table: a flood of others evicts our key, which then starts with a full bucket
        GcraTable t = new GcraTable(8);
        RateLimit strict = RateLimit.of(4, 1, 1);
        long now = 9 * S;
        assertThat(t.acquire(1, strict, now)).isZero();
        assertThat(t.acquire(1, strict, now)).isPositive();
        for (long k = 100; k < 200; k++) {
            t.acquire(k, strict, now + 1);
        }
        long after = t.acquire(1, strict, now + 2);
        assertThat(after).isGreaterThanOrEqualTo(0); // allowed (evicted) or still limited, never worse than before
        assertThat(after).isLessThanOrEqualTo(S);
    }

    @Test
    void concurrentAcquiresOnOneKey_neverAdmitMoreThanTheBurst() throws Exception {
        GcraTable t = new GcraTable(1024);
        RateLimit limit = RateLimit.of(5, 1, 1000);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < 5000; j++) {
                    if (t.acquire(99, limit, 0) == 0) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[i].start();
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(admitted.get()).isEqualTo(1000);
    }

    @Test
    void negativeNanoTimeOrigin_isHandled() {
        GcraTable t = new GcraTable(1024);
        long now = Long.MIN_VALUE / 2;
        for (int i = 0; i < 5; i++) {
            assertThat(t.acquire(5, tenPerSecondBurst5, now)).isZero();
        }
        assertThat(t.acquire(5, tenPerSecondBurst5, now)).isPositive();
    }
}
