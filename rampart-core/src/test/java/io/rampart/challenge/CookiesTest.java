package io.rampart.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CookiesTest {
    @Test
    void findsACookieByExactName() {
        String h = "session=abc; xrampart_clearance=no; rampart_clearance=yes;theme=dark";
        assertThat(Cookies.value(h, "rampart_clearance")).isEqualTo("yes");
        assertThat(Cookies.value(h, "session")).isEqualTo("abc");
        assertThat(Cookies.value(h, "theme")).isEqualTo("dark");
        assertThat(Cookies.value(h, "sess")).isNull();
        assertThat(Cookies.value(null, "a")).isNull();
        assertThat(Cookies.value(";;; ;", "a")).isNull();
        assertThat(Cookies.value("a=", "a")).as("present, empty").isEmpty();
    }

    @Test
    void removesOnlyRampartsCookies() {
        assertThat(Cookies.without("session=abc; rampart_clearance=x; rampart_pow=y; theme=dark", "rampart_clearance", "rampart_pow", "rampart_admin"))
                .isEqualTo("session=abc; theme=dark");
        assertThat(Cookies.without("rampart_clearance=x", "rampart_clearance", "rampart_pow", "rampart_admin")).isNull();
        assertThat(Cookies.without("xrampart_pow=1", "rampart_clearance", "rampart_pow", "rampart_admin")).isEqualTo("xrampart_pow=1");
    }
}
