package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LazyDeadlineTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicLong firedAt = new AtomicLong();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private LazyDeadline deadline() throws Exception {
        return loop.submit(() -> new LazyDeadline(loop, () -> {
            fired.incrementAndGet();
            firedAt.set(System.nanoTime());
        })).get();
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get();
    }

    @Test
    void movingTheDeadlineLater_firesOnceAtTheLaterTime() throws Exception {
        LazyDeadline d = deadline();
        long start = System.nanoTime();
        onLoop(() -> d.arm(start + 50_000_000L));
        onLoop(() -> d.arm(start + 200_000_000L));
        Thread.sleep(400);
        assertThat(fired.get()).isEqualTo(1);
        assertThat(firedAt.get() - start).isGreaterThanOrEqualTo(200_000_000L);
    }

    @Test
    void movingTheDeadlineEarlier_firesAtTheEarlierTime() throws Exception {
        LazyDeadline d = deadline();
        long start = System.nanoTime();
        onLoop(() -> d.arm(start + 2_000_000_000L));
        onLoop(() -> d.arm(start + 50_000_000L));
        Thread.sleep(300);
        assertThat(fired.get()).isEqualTo(1);
        assertThat(firedAt.get() - start).isLessThan(1_000_000_000L);
    }

    @Test
    void disarmed_neverFires_andCanBeArmedAgain() throws Exception {
        LazyDeadline d = deadline();
        long start = System.nanoTime();
        onLoop(() -> d.arm(start + 30_000_000L));
        onLoop(d::disarm);
        Thread.sleep(150);
        assertThat(fired.get()).isZero();
        CompletableFuture<Void> rearm = new CompletableFuture<>();
        onLoop(() -> {
            d.arm(System.nanoTime() + 30_000_000L);
            rearm.complete(null);
        });
        rearm.get();
        Thread.sleep(150);
        assertThat(fired.get()).isEqualTo(1);
    }
}
