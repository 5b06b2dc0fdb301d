package io.rampart.firewall;

import io.rampart.traffic.ClientAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Clients that keep earning {@code close}: {@code closesBeforeDrop} closed requests within
 * {@code window} make a client a repeat offender, dropped in the kernel for {@code dropFor}.
 *
 * <p>An address where two or more people were seen (an office, a carrier's NAT: see
 * {@code AddressCrowds}) is never judged: one bot behind it would take every person there out of
 * reach of the site for {@code dropFor}, where user space refuses the bot's requests alone.
 *
 * <p>Called only on the close path (a request already being refused), never for an allowed one.
 * Bounded: at most {@code maxTracked} clients counted and {@code maxOffenders} judged; past the
 * first bound, clients whose window has ended are forgotten, and if none has, a newcomer is not
 * counted (it is still closed in user space). The lock is held for a map lookup.
 */
public final class Offenders {
    private final int threshold;
    private final long windowMillis;
    private final long dropMillis;
    private final int maxTracked;
    private final int maxOffenders;
    private final LongSupplier clock;
    private final Map<ClientAddress, long[]> counting = new HashMap<>();
    private final Map<ClientAddress, Long> judged = new HashMap<>();
    private volatile int version;

    public Offenders(int threshold, long windowMillis, long dropMillis, int maxOffenders, LongSupplier clock) {
        this.threshold = threshold;
        this.windowMillis = windowMillis;
        this.dropMillis = dropMillis;
        this.maxOffenders = maxOffenders;
        this.maxTracked = Math.max(1024, maxOffenders);
        this.clock = clock;
    }

    /**
     * One request of {@code client} was closed; true when that made it a repeat offender.
     *
     * @param peopleAtAddress the people seen at the client's address (more than one: never judged)
     */
    public synchronized boolean closed(ClientAddress client, int peopleAtAddress) {
        if (peopleAtAddress > 1) {
            return false;
        }
        long now = clock.getAsLong();
        Long judgedUntil = judged.get(client);
        if (judgedUntil != null && judgedUntil > now) {
            return false;
        }
        long[] c = counting.get(client);
        if (c == null || now - c[0] > windowMillis) {
            if (c == null && counting.size() >= maxTracked && !forgetEnded(now)) {
                return false;
            }
            c = new long[] {now, 0};
            counting.put(client, c);
        }
        if (++c[1] < threshold) {
            return false;
        }
        counting.remove(client);
        if (judged.size() >= maxOffenders) {
            judged.values().removeIf(until -> until <= now);
            if (judged.size() >= maxOffenders) {
                return false;
            }
        }
        judged.put(client, now + dropMillis);
        version++;
        return true;
    }

    /** The offenders whose drop has not ended, as judgements. */
    public synchronized List<Judgement> active() {
        long now = clock.getAsLong();
        List<Judgement> out = new ArrayList<>(judged.size());
        for (Iterator<Map.Entry<ClientAddress, Long>> it = judged.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ClientAddress, Long> e = it.next();
            if (e.getValue() <= now) {
                it.remove();
                continue;
            }
            out.add(new Judgement(DropEntry.of(e.getKey()), e.getValue(),
                    "closed " + threshold + " times within " + windowMillis / 1000 + "s", Judgement.Kind.OFFENDER));
        }
        return out;
    }

    /** Changes whenever a client is judged. */
    public int version() {
        return version;
    }

    private boolean forgetEnded(long now) {
        int before = counting.size();
        counting.values().removeIf(c -> now - c[0] > windowMillis);
        return counting.size() < before;
    }
}
