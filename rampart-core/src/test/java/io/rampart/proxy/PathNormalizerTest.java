package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.traffic.PathPrefix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PathNormalizerTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ' ', value = {
            "/ /",
            "/index.html /index.html",
            "/%6cogin /login",
            "/%6C%6f%67%69%6e /login",
            "/./login /login",
            "/a/./b/../c /a/c",
            "/a//b///c /a/b/c",
            "/a/b/ /a/b/",
            "/a/. /a/",
            "/a/.. /",
            "/a/b/.. /a/",
            "/api/../donate /donate",
            "/api/..;x/donate /donate",
            "/api;x/../donate /donate",
            "/login;jsessionid=1 /login;jsessionid=1",
            "/robots.txt/../ /",
            "/%2e/x /x",
            "/a/%2E%2e/b /b",
            "/a%20b /a%20b",
            "/a%3bb /a%3Bb",
            "/caf%c3%a9 /caf%C3%A9",
            "/x?a=/../b /x?a=/../b",
            "/a/../b?q=%2e /b?q=%2e",
            "/.well-known/acme-challenge/t /.well-known/acme-challenge/t",
    })
    void normalises(String raw, String expected) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../x", "/a/../..", "/a/../../b", "/%2e%2e", "/a%2fb", "/a%2Fb", "/a%5Cb", "/a\\b", "/%00",
            "/a%0Ab", "/a%7f", "/%zz", "/%", "/a%", "/a%4", "/a#frag", "/a/..;/..;/x"})
    void refuses(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isNull();
    }

    @Test
    void aCleanTargetIsReturnedAsItIs_withoutACopy() {
        String clean = "/search?q=a//b/../c";
        assertThat(PathNormalizer.normalize(clean)).isSameAs(clean);
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource(delimiter = ' ', value = {
            "/login /login true",
            "/login /login/ true",
            "/login /login/x true",
            "/login /login;x true",
            "/login /login?next=/ true",
            "/login /login-help false",
            "/login /loginx false",
            "/api/ /api/items true",
            "/api/ /api false",
            "/api/ /apiary false",
            "/feed /feedback false",
            "/feed /feed.xml false",
    })
    void prefixesCoverWholeSegments(String prefix, String target, boolean covers) {
        assertThat(PathPrefix.covers(prefix, target)).isEqualTo(covers);
    }
}
