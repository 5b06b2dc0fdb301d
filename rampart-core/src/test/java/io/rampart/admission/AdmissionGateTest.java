package io.rampart.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {
    private final List<String> admittedLater = new ArrayList<>();
    private final List<String> evicted = new ArrayList<>();

    private AdmissionGate gate(int limit) {
        return new AdmissionGate(new AdaptiveLimit(limit, limit, limit, System::nanoTime), 0.25, 0.25, 4);
    }

    private AdmissionGate.Ticket ticket(String name) {
        return new AdmissionGate.Ticket(Runnable::run, () -> admittedLater.add(name), () -> evicted.add(name));
    }

    @Test
    void unknownClients_cannotTakeTheKnownReserve() {
        AdmissionGate g = gate(8);
        for (int i = 0; i < 6; i++) {
            assertThat(g.acquire(ticket("u" + i), Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
        }
        assertThat(g.acquire(ticket("u6"), Lane.UNKNOWN)).as("75% of 8 = 6 slots for unknown").isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.acquire(ticket("k0"), Lane.KNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
        assertThat(g.acquire(ticket("k1"), Lane.KNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
        assertThat(g.acquire(ticket("k2"), Lane.KNOWN)).isEqualTo(AdmissionGate.Result.QUEUED);
    }

    @Test
    void retunedByAReload_newSharesAndBoundsApplyAtOnce_andRequestsInFlightStay() {
        AdmissionGate g = gate(8);
        for (int i = 0; i < 6; i++) {
            assertThat(g.acquire(ticket("u" + i), Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
        }
        g.tune(0.5, 0.25, 4);
        g.limit().bounds(2, 16);
        assertThat(g.limit().limit()).as("the learned limit, inside the new bounds").isEqualTo(8);
        assertThat(g.inFlight()).isEqualTo(6);
        assertThat(g.acquire(ticket("u6"), Lane.UNKNOWN)).as("50% of 8 for unknown now: full").isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.acquire(ticket("k0"), Lane.KNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
        g.limit().bounds(2, 4);
        assertThat(g.limit().limit()).as("clamped to a lowered maximum at once").isEqualTo(4);
    }

    @Test
    void suspectClients_areCappedAtTheirShare() {
        AdmissionGate g = gate(8);
        assertThat(g.acquire(ticket("s0"), Lane.SUSPECT)).isEqualTo(AdmissionGate.Result.ADMITTED);
        assertThat(g.acquire(ticket("s1"), Lane.SUSPECT)).isEqualTo(AdmissionGate.Result.ADMITTED);
        assertThat(g.acquire(ticket("s2"), Lane.SUSPECT)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.acquire(ticket("u0"), Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
    }

    @Test
    void freedSlot_goesToTheKnownWaiterFirst_thenUnknown_thenSuspect() {
        AdmissionGate g = gate(4);
        List<AdmissionGate.Ticket> holders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            AdmissionGate.Ticket t = ticket("k" + i);
            assertThat(g.acquire(t, Lane.KNOWN)).isEqualTo(AdmissionGate.Result.ADMITTED);
            holders.add(t);
        }
        g.acquire(ticket("suspect"), Lane.SUSPECT);
        g.acquire(ticket("unknown"), Lane.UNKNOWN);
        g.acquire(ticket("known"), Lane.KNOWN);
        for (AdmissionGate.Ticket t : holders) {
            g.release(t, 1_000_000, false);
        }
        assertThat(admittedLater).containsExactly("known", "unknown", "suspect");
        assertThat(g.inFlight()).isEqualTo(3);
        assertThat(g.queued()).isZero();
    }

    @Test
    void fullQueue_isRefused_andACancelledWaiterGetsNothing() {
        AdmissionGate g = gate(1);
        AdmissionGate.Ticket holder = ticket("h");
        g.acquire(holder, Lane.KNOWN);
        AdmissionGate.Ticket[] waiting = new AdmissionGate.Ticket[4];
        for (int i = 0; i < 4; i++) {
            waiting[i] = ticket("w" + i);
            assertThat(g.acquire(waiting[i], Lane.KNOWN)).isEqualTo(AdmissionGate.Result.QUEUED);
        }
        assertThat(g.acquire(ticket("late"), Lane.KNOWN)).isEqualTo(AdmissionGate.Result.FULL);
        assertThat(g.cancel(waiting[0])).isTrue();
        assertThat(g.cancel(waiting[0])).isFalse();
        g.release(holder, 1, false);
        assertThat(admittedLater).containsExactly("w1");
        assertThat(g.rejected(Lane.KNOWN)).isEqualTo(2);
    }

    @Test
    void aWaiterWhoseClientLeft_isWithdrawnWithoutCountingAsRejected() {
        AdmissionGate g = gate(1);
        AdmissionGate.Ticket holder = ticket("h");
        g.acquire(holder, Lane.UNKNOWN);
        AdmissionGate.Ticket gone = ticket("gone");
        AdmissionGate.Ticket timedOut = ticket("timed-out");
        assertThat(g.acquire(gone, Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.acquire(timedOut, Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.withdraw(gone)).isTrue();
        assertThat(g.withdraw(gone)).isFalse();
        assertThat(g.rejected(Lane.UNKNOWN)).as("nobody was answered 503").isZero();
        assertThat(g.cancel(timedOut)).isTrue();
        assertThat(g.rejected(Lane.UNKNOWN)).as("the wait that ran out was").isEqualTo(1);
        assertThat(g.queued()).isZero();
    }

    @Test
    void pressure_isRememberedForThirtySeconds() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1);
        AdmissionGate g = new AdmissionGate(new AdaptiveLimit(1, 1, 1, now::get), 0, 1, 4);
        AdmissionGate.Ticket holder = ticket("h");
        g.acquire(holder, Lane.UNKNOWN);
        assertThat(g.pressured()).as("a full gate with nobody waiting is not yet pressure").isFalse();
        AdmissionGate.Ticket waiter = ticket("w");
        assertThat(g.acquire(waiter, Lane.UNKNOWN)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(g.pressured()).isTrue();
        g.release(holder, 1, false);
        now.addAndGet(29_000_000_000L);
        assertThat(g.pressured()).isTrue();
        now.addAndGet(2_000_000_000L);
        assertThat(g.pressured()).isFalse();
    }

    @Test
    void withinALane_theClientThatUsedLeastOriginTime_goesFirst() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1);
        AdmissionGate g = new AdmissionGate(new AdaptiveLimit(1, 1, 1, now::get), 0, 1, 16);
        long bot = 101;
        long app = 202;
        // the bot kept the origin busy for 3 s in all; the app for 50 ms
        for (int i = 0; i < 100; i++) {
            AdmissionGate.Ticket t = ticket("-");
            g.acquire(t, Lane.UNKNOWN, i % 2 == 0 ? bot : app, 0);
            g.release(t, i % 2 == 0 ? 60_000_000L : 1_000_000L, false);
            now.addAndGet(10_000_000L);
        }
        AdmissionGate.Ticket holder = ticket("holder");
        g.acquire(holder, Lane.UNKNOWN, 303, 0);
        AdmissionGate.Ticket botWaits = ticket("bot");
        AdmissionGate.Ticket newcomer = ticket("newcomer");
        AdmissionGate.Ticket appWaits = ticket("app");
        g.acquire(botWaits, Lane.UNKNOWN, bot, 0);
        g.acquire(newcomer, Lane.UNKNOWN, 404, 0);
        g.acquire(appWaits, Lane.UNKNOWN, app, 0);
        g.release(holder, 1, false);
        g.release(newcomer, 1, false);
        g.release(appWaits, 1, false);
        assertThat(admittedLater).as("arrived first, served last").containsExactly("newcomer", "app", "bot");
    }

    @Test
    void originUse_decaysByHalfEachHalfLife_andForgetsTheLightestWhenFull() {
        OriginUse u = new OriginUse(8, 1000);
        u.add(1, 800, 0);
        assertThat(u.get(1, 1000)).isCloseTo(400, org.assertj.core.data.Offset.offset(1.0));
        for (long k = 2; k < 40; k++) {
            u.add(k, k == 7 ? 5000 : 10, 0);
        }
        assertThat(u.get(7, 0)).as("heavy users are kept").isEqualTo(5000);
    }

    @Test
    void fullQueue_refusesItsHeaviestWaiter_toMakeRoomForALighterOrMoreImportantNewcomer() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1);
        AdmissionGate g = new AdmissionGate(new AdaptiveLimit(1, 1, 1, now::get), 0, 1, 2);
        AdmissionGate.Ticket warm = ticket("-");
        g.acquire(warm, Lane.UNKNOWN, 7, 0);
        g.release(warm, 500_000_000L, false); // client 7 used the origin for half a second
        g.acquire(ticket("holder"), Lane.UNKNOWN, 1, 0);
        g.acquire(ticket("heavy"), Lane.UNKNOWN, 7, 0);
        g.acquire(ticket("light"), Lane.UNKNOWN, 8, 0);
        assertThat(g.acquire(ticket("light too"), Lane.UNKNOWN, 9, 0)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(evicted).containsExactly("heavy");
        assertThat(g.acquire(ticket("another light one"), Lane.UNKNOWN, 10, 0))
                .as("no one heavier waits: the newcomer is the one refused").isEqualTo(AdmissionGate.Result.FULL);
        assertThat(g.acquire(ticket("known"), Lane.KNOWN, 11, 0)).isEqualTo(AdmissionGate.Result.QUEUED);
        assertThat(evicted).containsExactly("heavy", "light too");
        assertThat(g.queued()).isEqualTo(2);
        assertThat(g.rejected(Lane.UNKNOWN)).isEqualTo(3);
    }

    @Test
    void aFloodedPath_waitsBehindOtherPaths_evenFromManyLightClients() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1);
        AdmissionGate g = new AdmissionGate(new AdaptiveLimit(1, 1, 1, now::get), 0, 1, 16);
        long search = 900;
        long api = 901;
        for (int bot = 1; bot <= 50; bot++) { // fifty bots, each searched once
            AdmissionGate.Ticket t = ticket("-");
            g.acquire(t, Lane.UNKNOWN, bot, search);
            g.release(t, 30_000_000L, false);
        }
        AdmissionGate.Ticket app = ticket("-");
        g.acquire(app, Lane.UNKNOWN, 500, api);
        g.release(app, 5_000_000L, false);
        AdmissionGate.Ticket holder = ticket("holder");
        g.acquire(holder, Lane.UNKNOWN, 600, 0);
        AdmissionGate.Ticket bot = ticket("fresh bot");
        g.acquire(bot, Lane.UNKNOWN, 51, search);
        AdmissionGate.Ticket appAgain = ticket("app");
        g.acquire(appAgain, Lane.UNKNOWN, 500, api);
        g.release(holder, 1, false);
        assertThat(admittedLater).as("the bot is new, but its path is the flooded one").containsExactly("app");
    }

    @Test
    void releasingTwice_freesOneSlot() {
        AdmissionGate g = gate(2);
        AdmissionGate.Ticket t = ticket("t");
        g.acquire(t, Lane.KNOWN);
        g.release(t, 1, false);
        g.release(t, 1, false);
        assertThat(g.inFlight()).isZero();
    }
}
