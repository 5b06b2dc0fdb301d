package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An office behind one address (issue 16, item 4), over real sockets: its staff logging in
 * together are not refused at a log-in form limited to one request every 20 seconds per address, because every
 * log-in the origin answers with a new person's signed token lifts the address's allowance and is
 * not charged to it; failed log-ins and one account logging in again and again are limited as
 * before; and the office is remembered across a restart.
 */
@ExtendWith(LeakWatcher.class)
class SharedAddressTest {
    private static final String CONFIG = """
            dataDir: DATA
            knownUsers:
              tokenCookie: rampart_user
              tokenSecret: SECRET
              usersPerAddress: 32
            limits:
              perClient: {rate: 100, burst: 100}
            sites:
              - name: campaign
                hosts: ['*']
                upstreams: [ORIGIN]
                routes:
                  - path: /login
                    limits:
                      perClient: {rate: 0.05, burst: 2}
            """;

    private final TestOrigin origin = new TestOrigin();

    @TempDir
    Path data;

    @AfterEach
    void stop() {
        origin.close();
    }

    private GatewayFixture gateway() throws Exception {
        return GatewayFixture.start(CONFIG.replace("DATA", data.toString()).replace("SECRET", TestOrigin.TOKEN_SECRET), origin.url());
    }

    private static int logIn(RawHttp c, String user, String password) throws Exception {
        c.send("POST /login?user=" + user + "&password=" + password + " HTTP/1.1\r\nHost: campaign.test\r\n"
                + "User-Agent: Mozilla/5.0 Firefox/133.0\r\nContent-Length: 0\r\n\r\n");
        return c.read().status();
    }

    private static int loginPage(RawHttp c) throws Exception {
        c.send("GET /login HTTP/1.1\r\nHost: campaign.test\r\nUser-Agent: Mozilla/5.0 Firefox/133.0\r\n\r\n");
        return c.read().status();
    }

    /** Statuses of {@code staff} log-ins, one after another, each on its own connection from {@code address}. */
    private static List<Integer> officeLogsIn(GatewayFixture gw, String address, int staff) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < staff; i++) {
            try (RawHttp c = new RawHttp(address, gw.port())) {
                statuses.add(logIn(c, "staff" + i, "correct"));
            }
        }
        return statuses;
    }

    @Test
    void anOfficeLoggingInTogetherThroughOneAddress_isNeverRefused() throws Exception {
        try (GatewayFixture gw = gateway()) {
            assertThat(officeLogsIn(gw, "127.0.90.1", 30)).as("thirty log-ins, limit one per 20 s, burst 2")
                    .containsOnly(303);
            int pages = 0;
            try (RawHttp c = new RawHttp("127.0.90.1", gw.port())) {
                for (int i = 0; i < 40; i++) {
                    pages += loginPage(c) == 200 ? 1 : 0;
                }
            }
            assertThat(pages).as("the office's anonymous requests get thirty people's allowance (burst 60)").isEqualTo(40);
        }
    }

    @Test
    void failedLogIns_andOneAccountLoggingInAgainAndAgain_areLimitedAsBefore() throws Exception {
        try (GatewayFixture gw = gateway()) {
            List<Integer> stuffing = new ArrayList<>();
            try (RawHttp c = new RawHttp("127.0.91.1", gw.port())) {
                for (int i = 0; i < 8; i++) {
                    stuffing.add(logIn(c, "victim" + i, "guess" + i));
                }
            }
            assertThat(stuffing.subList(0, 2)).containsOnly(200);
            assertThat(stuffing.subList(2, 8)).as("wrong passwords earn nothing").containsOnly(429);

            List<Integer> oneAccount = new ArrayList<>();
            try (RawHttp c = new RawHttp("127.0.92.1", gw.port())) {
                for (int i = 0; i < 8; i++) {
                    oneAccount.add(logIn(c, "mallory", "correct"));
                }
            }
            assertThat(oneAccount.subList(0, 3)).as("the first log-in is given back, once").containsOnly(303);
            assertThat(oneAccount.subList(3, 8)).as("the same person again is charged").containsOnly(429);
        }
    }

    @Test
    void theOfficeIsRememberedAcrossARestart() throws Exception {
        try (GatewayFixture gw = gateway()) {
            assertThat(officeLogsIn(gw, "127.0.93.1", 10)).containsOnly(303);
        }
        Path book = data.resolve("shared-addresses.json");
        assertThat(book).exists();
        assertThat(Files.readString(book)).doesNotContain("127.0.93.1").doesNotContain("staff");
        try (GatewayFixture gw = gateway(); RawHttp office = new RawHttp("127.0.93.1", gw.port());
             RawHttp stranger = new RawHttp("127.0.94.1", gw.port())) {
            int officePages = 0;
            int strangerPages = 0;
            for (int i = 0; i < 12; i++) {
                officePages += loginPage(office) == 200 ? 1 : 0;
                strangerPages += loginPage(stranger) == 200 ? 1 : 0;
            }
            assertThat(officePages).as("ten people's allowance from the first request after the restart").isEqualTo(12);
            assertThat(strangerPages).as("one address, one person").isEqualTo(2);
        }
    }

    @Test
    void anUnreadableBook_isSetAside_andTheGatewayStarts() throws Exception {
        Files.writeString(data.resolve("shared-addresses.json"), "{\"version\": 1, \"keyCheck\": \"not hex\"");
        try (GatewayFixture gw = gateway(); RawHttp c = new RawHttp("127.0.95.1", gw.port())) {
            assertThat(loginPage(c)).isEqualTo(200);
        }
        assertThat(data.resolve("shared-addresses.json.bad")).exists();
    }
}
