package io.rampart.incident;

/** The gateway's running counters an incident takes its mitigation figures from (differences over the incident). */
public interface GatewayCounters {
    /** Requests of the site at {@code siteIndex} so far, by {@link io.rampart.mitigate.Verdict} ordinal. */
    long[] verdicts(int siteIndex);

    /** Connections closed for being slow, so far. */
    long slowClientsClosed();

    /** Connections refused at accept, so far. */
    long connectionsRejected();

    /** Packets of judged sources the kernel dropped before they reached Rampart, so far (0 without {@code firewall}). */
    default long droppedInKernel() {
        return 0;
    }

    /** No counters (tests of the lifecycle alone). */
    GatewayCounters NONE = new GatewayCounters() {
        @Override
        public long[] verdicts(int siteIndex) {
            return new long[io.rampart.mitigate.Verdict.values().length];
        }

        @Override
        public long slowClientsClosed() {
            return 0;
        }

        @Override
        public long connectionsRejected() {
            return 0;
        }
    };
}
