package io.rampart.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserTokensTest {
    private final AtomicLong wall = new AtomicLong(1_790_000_000_000L);
    private final UserTokens tokens = new UserTokens("the campaign app's shared secret", wall::get);

    @Test
    void tokenMintedByTheSite_isValidUntilItsExpiry() {
        String t = tokens.mint("volunteer-42", 1_790_000_600L);
        assertThat(tokens.valid(t)).isTrue();
        wall.set(1_790_000_600_000L);
        assertThat(tokens.valid(t)).isFalse();
    }

    @Test
    void tokenMintedByPythonsHmac_isAccepted() {
        // python3 -c 'import hmac; print(hmac.new(b"the campaign app'"'"'s shared secret", b"ada.1790003600", "sha256").hexdigest())'
        String fromPython = "ada.1790003600.d08fda0a3ad79e514cc0e6de2f931883de92c75481a1c80586dc7f867c3ad47d";
        assertThat(tokens.valid(fromPython)).isTrue();
        assertThat(tokens.mint("ada", 1_790_003_600L)).isEqualTo(fromPython);
    }

    @Test
    void forgedOrMalformedTokens_areRefused() {
        String t = tokens.mint("ada", 1_790_003_600L);
        String forgedUser = "eve" + t.substring(3);
        String longerLife = t.replace("1790003600", "1890003600");
        String badMac = t.substring(0, t.length() - 1) + (t.endsWith("0") ? "1" : "0");
        UserTokens other = new UserTokens("another secret of sixteen+", wall::get);
        for (String bad : new String[] {forgedUser, longerLife, badMac, other.mint("ada", 1_790_003_600L), "", ".", "..",
                "ada..x", "ada.abc." + "0".repeat(64), "ad a.1790003600." + "0".repeat(64), "ada.1790003600." + "z".repeat(64),
                "a".repeat(65) + ".1790003600." + "0".repeat(64), null}) {
            assertThat(tokens.valid(bad)).as(String.valueOf(bad)).isFalse();
        }
    }
}
