package io.rampart.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS engine a listener uses: {@code openssl} (BoringSSL via netty-tcnative), {@code jdk}, or {@code auto}. */
public final class TlsEngines {
    private TlsEngines() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name, or {@code openssl} where the native library does not load
     */
    public static SslProvider pick(String engine) {
        switch (engine) {
            case "jdk":
                return SslProvider.JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalArgumentException("engine openssl: netty-tcnative does not load here ("
                            + OpenSsl.unavailabilityCause() + "); use auto or jdk");
                }
                return SslProvider.OPENSSL;
            case "auto":
                return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            default:
                throw new IllegalArgumentException("expected engine auto, openssl or jdk, got '" + engine + "'");
        }
    }

    /** A short name for logs and metrics: {@code openssl} or {@code jdk}. */
    public static String name(SslProvider p) {
        return p == SslProvider.JDK ? "jdk" : "openssl";
    }
}
