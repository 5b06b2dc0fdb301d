package io.rampart.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.challenge.Tickets.Check;
import io.rampart.traffic.ClientAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TicketsTest {
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private final AtomicLong wall = new AtomicLong(1_790_000_000_000L);
    private final AtomicLong nanos = new AtomicLong();
    private final TicketKeys keys = new TicketKeys("a shared secret of 32 characters", Duration.ofHours(24), wall::get);
    private final Tickets tickets = new Tickets(keys, 1000, nanos::get);
    private final ClientAddress alice = ClientAddress.parse("198.51.100.7");
    private final ClientAddress aliceNewAddressSamePrefix = ClientAddress.parse("198.51.100.99");
    private final ClientAddress elsewhere = ClientAddress.parse("203.0.113.7");

    @Test
    void clearance_isValidForItsClientUntilItExpires() {
        String c = tickets.mintClearance(alice, FIREFOX, 3600, 0);
        assertThat(c).hasSize(72);
        assertThat(tickets.checkClearance(c, alice, FIREFOX)).isEqualTo(Check.VALID);
        assertThat(tickets.checkClearance(c, aliceNewAddressSamePrefix, FIREFOX)).isEqualTo(Check.VALID);
        wall.addAndGet(3599_000);
        assertThat(tickets.checkClearance(c, alice, FIREFOX)).isEqualTo(Check.VALID);
        wall.addAndGet(2_000);
        assertThat(tickets.checkClearance(c, alice, FIREFOX)).isEqualTo(Check.EXPIRED);
    }

    @Test
    void clearance_copiedToAnotherNetworkOrBrowser_isRefused() {
        String c = tickets.mintClearance(alice, FIREFOX, 3600, 0);
        assertThat(tickets.checkClearance(c, elsewhere, FIREFOX)).isEqualTo(Check.OTHER_CLIENT);
        assertThat(tickets.checkClearance(c, alice, "curl/8.5.0")).isEqualTo(Check.OTHER_CLIENT);
        assertThat(tickets.checkClearance(c, ClientAddress.parse("2001:db8::1"), FIREFOX)).isEqualTo(Check.OTHER_CLIENT);
    }

    @Test
    void forgedClearance_isRefused_whateverWasChanged() {
        String c = tickets.mintClearance(alice, FIREFOX, 3600, 0);
        for (int i = 0; i < c.length(); i++) {
            char[] chars = c.toCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            Check check = tickets.checkClearance(new String(chars), alice, FIREFOX);
            assertThat(check).as("flipped char %d", i).isNotEqualTo(Check.VALID);
        }
        // a clearance signed with another secret is a forgery, not an expiry
        Tickets other = new Tickets(new TicketKeys("another secret, also 32 chars!!", Duration.ofHours(24), wall::get), 10, nanos::get);
        assertThat(tickets.checkClearance(other.mintClearance(alice, FIREFOX, 3600, 0), alice, FIREFOX)).isEqualTo(Check.FORGED);
    }

    @Test
    void garbage_isMalformed_neverAnException() {
        for (String g : new String[] {"", "x", "A".repeat(72), "!".repeat(72), "A".repeat(71) + "=", "A".repeat(400), "é".repeat(72)}) {
            assertThat(tickets.checkClearance(g, alice, FIREFOX)).as(g).isIn(Check.MALFORMED, Check.FORGED, Check.EXPIRED);
        }
        assertThat(tickets.checkClearance(null, alice, null)).isEqualTo(Check.MALFORMED);
        // a challenge ticket is not a clearance
        assertThat(tickets.checkClearance(tickets.mintChallenge(alice, FIREFOX, 4), alice, FIREFOX)).isEqualTo(Check.MALFORMED);
    }

    @Test
    void keyRotation_acceptsThePreviousKeyForOnePeriod() {
        String c = tickets.mintClearance(alice, FIREFOX, 100 * 3600, 0);
        wall.addAndGet(Duration.ofHours(24).toMillis());
        assertThat(tickets.checkClearance(c, alice, FIREFOX)).isEqualTo(Check.VALID);
        wall.addAndGet(Duration.ofHours(24).toMillis());
        assertThat(tickets.checkClearance(c, alice, FIREFOX)).isEqualTo(Check.EXPIRED);
    }

    @Test
    void nodesSharingTheSecret_acceptEachOthersClearances() {
        Tickets otherNode = new Tickets(new TicketKeys("a shared secret of 32 characters", Duration.ofHours(24), wall::get), 10, nanos::get);
        assertThat(otherNode.checkClearance(tickets.mintClearance(alice, FIREFOX, 60, 0), alice, FIREFOX)).isEqualTo(Check.VALID);
    }

    @Test
    void solvedChallenge_isAcceptedOnce() {
        String t = tickets.mintChallenge(alice, FIREFOX, 8);
        long n = ProofOfWork.solve(t, 8);
        assertThat(tickets.redeemChallenge(t, n, alice, FIREFOX)).isEqualTo(Check.VALID);
        assertThat(tickets.redeemChallenge(t, n, alice, FIREFOX)).isEqualTo(Check.REPLAYED);
    }

    @Test
    void unsolvedOrLateOrMovedChallenge_isRefused() {
        String t = tickets.mintChallenge(alice, FIREFOX, 12);
        long n = ProofOfWork.solve(t, 12);
        long wrong = n == 0 ? 1 : n - 1;
        if (!ProofOfWork.solves(t, wrong, 12)) {
            assertThat(tickets.redeemChallenge(t, wrong, alice, FIREFOX)).isEqualTo(Check.UNSOLVED);
        }
        assertThat(tickets.redeemChallenge(t, n, elsewhere, FIREFOX)).isEqualTo(Check.OTHER_CLIENT);
        wall.addAndGet((Tickets.REDEEM_SECONDS + 1) * 1000);
        assertThat(tickets.redeemChallenge(t, n, alice, FIREFOX)).isEqualTo(Check.EXPIRED);
    }

    @Test
    void difficultyCannotBeLowered_byEditingTheTicket() {
        String t = tickets.mintChallenge(alice, FIREFOX, 20);
        assertThat(Tickets.difficultyOf(t)).isEqualTo(20);
        // change the difficulty byte (13) to 1: the signature no longer matches
        byte[] raw = java.util.Base64.getUrlDecoder().decode(t);
        raw[13] = 1;
        String easier = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long n = ProofOfWork.solve(easier, 1);
        assertThat(tickets.redeemChallenge(easier, n, alice, FIREFOX)).isEqualTo(Check.FORGED);
    }

    @Test
    void noScriptPass_mustWaitAndIsBoundToItsReturnAddress() {
        String p = tickets.mintPass(alice, FIREFOX, "/news?page=2");
        assertThat(tickets.redeemPass(p, "/news?page=2", 5, alice, FIREFOX)).isEqualTo(Check.TOO_EARLY);
        wall.addAndGet(5_000);
        assertThat(tickets.redeemPass(p, "/elsewhere", 5, alice, FIREFOX)).isEqualTo(Check.FORGED);
        assertThat(tickets.redeemPass(p, "/news?page=2", 5, alice, FIREFOX)).isEqualTo(Check.VALID);
        assertThat(tickets.redeemPass(p, "/news?page=2", 5, alice, FIREFOX)).isEqualTo(Check.REPLAYED);
    }

    @Test
    void proofOfWork_countsLeadingZeroBits() {
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0, (byte) 0x80})).isEqualTo(16);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0x01})).isEqualTo(15);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {(byte) 0xff})).isZero();
        assertThat(ProofOfWork.leadingZeroBits(new byte[4])).isEqualTo(32);
        assertThat(ProofOfWork.solves("x", -1, 0)).isFalse();
    }
}
