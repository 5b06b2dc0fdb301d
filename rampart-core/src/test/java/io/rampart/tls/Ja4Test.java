package io.rampart.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JA4 of a ClientHello built byte by byte, checked against the specification's recipe worked by hand. */
class Ja4Test {
    private static ByteBuf hello(boolean sni, String alpn, int... ciphers) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0303).writeZero(32).writeByte(0);
        b.writeShort(ciphers.length * 2);
        for (int c : ciphers) {
            b.writeShort(c);
        }
        b.writeByte(1).writeByte(0);
        ByteBuf ext = Unpooled.buffer();
        ext.writeShort(0x0a0a).writeShort(0); // GREASE extension: ignored
        if (sni) {
            byte[] name = "campaign.example".getBytes(StandardCharsets.US_ASCII);
            ext.writeShort(0x0000).writeShort(name.length + 5).writeShort(name.length + 3).writeByte(0).writeShort(name.length).writeBytes(name);
        }
        if (alpn != null) {
            byte[] p = alpn.getBytes(StandardCharsets.US_ASCII);
            ext.writeShort(0x0010).writeShort(p.length + 3).writeShort(p.length + 1).writeByte(p.length).writeBytes(p);
        }
        ext.writeShort(0x002b).writeShort(5).writeByte(4).writeShort(0x1a1a).writeShort(0x0304); // supported_versions: GREASE, TLS 1.3
        ext.writeShort(0x000d).writeShort(6).writeShort(4).writeShort(0x0403).writeShort(0x0804); // signature_algorithms
        ext.writeShort(0x000a).writeShort(4).writeShort(2).writeShort(0x001d); // supported_groups
        b.writeShort(ext.readableBytes()).writeBytes(ext);
        return b;
    }

    @Test
    void ja4_followsTheSpecificationsRecipe_ignoringGrease() {
        String ja4 = Ja4.of(hello(true, "h2", 0x2a2a, 0x1301, 0x1302, 0xc02b));
        // a: TCP, TLS 1.3 (supported_versions), SNI, 3 ciphers (GREASE out), 5 extensions (GREASE out, SNI and ALPN in), ALPN h2
        assertThat(ja4).startsWith("t13d0305h2_");
        assertThat(ja4).isEqualTo("t13d0305h2_" + Ja4.sha12("1301,1302,c02b") + "_" + Ja4.sha12("000a,000d,002b_0403,0804"));
    }

    @Test
    void noSniNoAlpn_andHttp11_showInThePrefix() {
        assertThat(Ja4.of(hello(false, null, 0x1301))).startsWith("t13i010300_");
        assertThat(Ja4.of(hello(true, "http/1.1", 0x1301))).startsWith("t13d0105h1_");
    }

    @Test
    void anAcmeValidatorsHello_isToldFromAnOrdinaryOne() {
        assertThat(Ja4.offersOnlyAlpn(hello(true, "acme-tls/1", 0x1301), AcmeChallenges.ACME_TLS)).isTrue();
        assertThat(Ja4.offersOnlyAlpn(hello(true, "h2", 0x1301), AcmeChallenges.ACME_TLS)).isFalse();
        assertThat(Ja4.offersOnlyAlpn(hello(true, null, 0x1301), AcmeChallenges.ACME_TLS)).isFalse();
        assertThat(Ja4.offersOnlyAlpn(Unpooled.wrappedBuffer(new byte[] {3, 3, 1}), AcmeChallenges.ACME_TLS)).isFalse();
        assertThat(Ja4.offersOnlyAlpn(null, AcmeChallenges.ACME_TLS)).isFalse();
    }

    @Test
    void garbage_givesAnEmptyFingerprint_notAnError() {
        assertThat(Ja4.of(Unpooled.wrappedBuffer(new byte[] {3, 3, 1}))).isEmpty();
        assertThat(Ja4.of(null)).isEmpty();
        assertThat(Ja4.grease(0x0a0a)).isTrue();
        assertThat(Ja4.grease(0xfafa)).isTrue();
        assertThat(Ja4.grease(0x1301)).isFalse();
    }
}
