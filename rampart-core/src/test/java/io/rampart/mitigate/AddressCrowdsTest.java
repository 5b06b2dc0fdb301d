package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressCrowdsTest {
    private static final long OFFICE = 0x0ff1ceL;
    private static final long MINUTE = 60_000;

    private final AtomicLong wall = new AtomicLong(1_800_000_000_000L);
    private final AddressCrowds crowds = new AddressCrowds(16, wall::get);

    @Test
    void oneAddressIsOnePerson_untilASecondPersonIsSeenThere() {
        assertThat(crowds.saw(OFFICE, 11, true)).isTrue();
        assertThat(crowds.users(OFFICE)).isEqualTo(1);
        assertThat(crowds.saw(OFFICE, 11, true)).as("the same person again").isFalse();
        assertThat(crowds.saw(OFFICE, 12, true)).isTrue();
        assertThat(crowds.users(OFFICE)).isEqualTo(2);
        assertThat(crowds.users(0xbeefL)).isEqualTo(1);
    }

    @Test
    void anAddressIsCreditedWithAtMostMaxUsers_andLaterPeopleAreNotNew() {
        for (long p = 1; p <= 16; p++) {
            assertThat(crowds.saw(OFFICE, p, true)).isTrue();
        }
        assertThat(crowds.saw(OFFICE, 17, true)).as("no room: not counted, so not new").isFalse();
        assertThat(crowds.users(OFFICE)).isEqualTo(16);
    }

    @Test
    void clearancesAreForgottenAfterTenMinutes_tokensAfterAWeek() {
        crowds.saw(OFFICE, 1, false);
        crowds.saw(OFFICE, 2, false);
        crowds.saw(OFFICE + 1, 3, true);
        crowds.saw(OFFICE + 1, 4, true);
        assertThat(crowds.users(OFFICE)).isEqualTo(2);
        wall.addAndGet(11 * MINUTE);
        crowds.sweep();
        assertThat(crowds.users(OFFICE)).as("clearances lapse").isEqualTo(1);
        assertThat(crowds.users(OFFICE + 1)).as("tokens are kept").isEqualTo(2);
        wall.addAndGet(AddressCrowds.TOKEN_MEMORY_MILLIS);
        crowds.sweep();
        assertThat(crowds.users(OFFICE + 1)).isEqualTo(1);
    }

    @Test
    void aPersonSeenAgainIsRememberedFromThen() {
        crowds.saw(OFFICE, 1, false);
        crowds.saw(OFFICE, 2, false);
        wall.addAndGet(8 * MINUTE);
        crowds.saw(OFFICE, 1, false);
        crowds.saw(OFFICE, 2, false);
        wall.addAndGet(8 * MINUTE);
        crowds.sweep();
        assertThat(crowds.users(OFFICE)).isEqualTo(2);
    }

    @Test
    void aFloodOfSinglePeopleFromManyAddresses_staysBounded_andLeavesAnOfficeAlone() {
        for (long p = 1; p <= 10; p++) {
            crowds.saw(OFFICE, p, true);
        }
        for (long a = 1; a <= 200_000; a++) {
            crowds.saw(0x1000_0000L + a, a, false);
        }
        for (long a = 1; a <= 2 * AddressCrowds.MAX_CROWDS; a++) {
            crowds.saw(0x2000_0000L + a, 1, false);
            crowds.saw(0x2000_0000L + a, 2, false);
        }
        assertThat(crowds.crowdCount()).isLessThanOrEqualTo(AddressCrowds.MAX_CROWDS);
        assertThat(crowds.users(OFFICE)).as("a crowd of ten is never pushed out by crowds of two").isEqualTo(10);
        assertThat(crowds.export()).hasSizeLessThanOrEqualTo(AddressCrowds.MAX_CROWDS * 16);
    }

    @Test
    void theBookSurvivesARestart_throughItsFile(@TempDir Path dir) throws IOException {
        for (long p = 1; p <= 5; p++) {
            crowds.saw(OFFICE, p, true);
        }
        crowds.saw(OFFICE + 1, 9, false);
        crowds.saw(OFFICE + 1, 10, false);
        new AddressCrowdsFile(dir, 42).save(crowds);
        assertThat(Files.readString(dir.resolve("shared-addresses.json"))).contains("keyCheck");

        AddressCrowds restarted = new AddressCrowds(16, wall::get);
        assertThat(new AddressCrowdsFile(dir, 42).load(restarted)).isEqualTo(7);
        assertThat(restarted.users(OFFICE)).isEqualTo(5);
        assertThat(restarted.users(OFFICE + 1)).isEqualTo(2);
        assertThat(restarted.saw(OFFICE, 3, true)).as("already known there").isFalse();
    }

    @Test
    void aBookWrittenUnderAnotherKey_orGarbage_isSetAside_andLearningStartsAfresh(@TempDir Path dir) throws IOException {
        crowds.saw(OFFICE, 1, true);
        crowds.saw(OFFICE, 2, true);
        new AddressCrowdsFile(dir, 42).save(crowds);
        AddressCrowds other = new AddressCrowds(16, wall::get);
        assertThat(new AddressCrowdsFile(dir, 43).load(other)).isZero();
        assertThat(other.users(OFFICE)).isEqualTo(1);
        assertThat(dir.resolve("shared-addresses.json.bad")).exists();

        for (String garbage : new String[] {"{", "[]", "{\"version\":1,\"keyCheck\":\"2a\",\"addresses\":[{\"address\":\"zz\"}]}",
                "{\"version\":1,\"keyCheck\":\"2a\",\"addresses\":[{\"address\":\"1\",\"people\":[[\"2\",\"x\"],[\"3\"]]}]}"}) {
            Files.writeString(dir.resolve("shared-addresses.json"), garbage);
            AddressCrowds fresh = new AddressCrowds(16, wall::get);
            assertThat(new AddressCrowdsFile(dir, 42).load(fresh)).as(garbage).isZero();
            assertThat(fresh.crowdCount()).isZero();
        }
    }

    @Test
    void savedMemoriesThatHaveLapsed_orReachTooFarAhead_areNotRestored() {
        crowds.restore(OFFICE, 1, wall.get() - 1);
        crowds.restore(OFFICE, 2, wall.get() + AddressCrowds.TOKEN_MEMORY_MILLIS + MINUTE);
        crowds.restore(OFFICE, 3, wall.get() + MINUTE);
        crowds.restore(OFFICE, 4, wall.get() + MINUTE);
        assertThat(crowds.users(OFFICE)).isEqualTo(2);
    }
}
