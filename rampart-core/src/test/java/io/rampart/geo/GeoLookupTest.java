package io.rampart.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.testing.GeoDatabases;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoLookupTest {
    @TempDir
    Path dir;

    @Test
    void anAsnAndACountryDatabase_togetherNameTheSource_andIpinfoShapedRecordsAreUnderstood() throws Exception {
        try (GeoLookup geo = GeoLookup.open(GeoDatabases.all(dir))) {
            assertThat(geo.enabled()).isTrue();
            SourceOrigin bot = geo.lookup(InetAddress.getByName("127.31.4.5"));
            assertThat(bot).isEqualTo(new SourceOrigin(64500L, "Botnet Hosting Ltd", "ZZ"));
            assertThat(bot.asLabel()).isEqualTo("AS64500 Botnet Hosting Ltd");
            assertThat(geo.lookup(InetAddress.getByName("127.32.0.9"))).isEqualTo(new SourceOrigin(64501L, "Other Net", "XA"));
            SourceOrigin countryOnly = geo.lookup(InetAddress.getByName("127.33.1.1"));
            assertThat(countryOnly.country()).isEqualTo("XB");
            assertThat(countryOnly.asLabel()).isNull();
            assertThat(geo.lookup(InetAddress.getByName("127.0.0.1"))).isSameAs(SourceOrigin.UNKNOWN);
            assertThat(geo.lookup(InetAddress.getByName("2001:db8::1"))).as("an IPv6 address in IPv4-only databases").isSameAs(SourceOrigin.UNKNOWN);
        }
    }

    @Test
    void noDatabases_meansNothingIsLookedUp() throws Exception {
        assertThat(GeoLookup.open(List.of())).isSameAs(GeoLookup.NONE);
        assertThat(GeoLookup.NONE.lookup(InetAddress.getByName("127.31.4.5"))).isSameAs(SourceOrigin.UNKNOWN);
    }

    @Test
    void aFileThatIsNotAMaxMindDatabase_isRefusedNamingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("GeoLite2-ASN.mmdb"), "<html>rate limited</html>\n");
        assertThat(GeoLookup.problem(junk.toString())).startsWith("not a readable MaxMind database");
        assertThatThrownBy(() -> GeoLookup.open(List.of(GeoDatabases.make(dir, "asn").toString(), junk.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(junk + ": not a readable MaxMind database");
    }
}
