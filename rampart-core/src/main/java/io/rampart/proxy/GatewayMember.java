package io.rampart.proxy;

import io.rampart.cluster.Decisions;
import io.rampart.cluster.SharedDecision;
import io.rampart.config.MitigationStep;
import io.rampart.detect.ControlPlane;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.LimitExchange;
import io.rampart.mitigate.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of its cluster link: applies what other nodes decided through the same
 * components the admin API uses (inside {@link Decisions#applyingRemote}, so nothing is sent back
 * out), and carries the limit exchange's backlogs into the local buckets.
 */
final class GatewayMember implements ClusterMember {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMember.class);
    private final Gateway gateway;
    private final SharedState shared;

    GatewayMember(Gateway gateway, SharedState shared) {
        this.gateway = gateway;
        this.shared = shared;
    }

    @Override
    public void apply(SharedDecision d) {
        if (d.endedBy(System.currentTimeMillis())) {
            return;
        }
        Decisions.applyingRemote(() -> {
            try {
                applyNow(d);
            } catch (RuntimeException e) {
                LOG.warn("decision {} from node {} not applied here: {}", d.kind(), d.node(), e.getMessage());
            }
        });
    }

    private void applyNow(SharedDecision d) {
        ControlPlane control = shared.control;
        String by = d.by().isEmpty() ? "node " + d.node() : d.by() + " (node " + d.node() + ")";
        switch (d.kind()) {
            case LIST_ADD:
                shared.lists.add(d.arg("list"), d.arg("cidr"), by, d.arg("note"), Instant.now());
                break;
            case LIST_REMOVE:
                shared.lists.remove(d.arg("list"), d.arg("cidr"));
                break;
            case RULE_ADD:
                if (control != null) {
                    Map<String, String> match = new HashMap<>();
                    d.args().forEach((k, v) -> {
                        if (k.startsWith("match.")) {
                            match.put(k.substring(6), v);
                        }
                    });
                    control.addSharedRule(d.arg("id"), d.site(), match, MitigationStep.parse(d.arg("step")),
                            d.endMillis() > 0 ? Instant.ofEpochMilli(d.endMillis()) : null, by);
                }
                break;
            case RULE_REMOVE:
                if (control != null) {
                    control.removeRule(d.arg("id"), by);
                }
                break;
            case RULE_SHADOW:
                if (control != null) {
                    control.shadowSharedRule(d.site(), d.args());
                }
                break;
            case PIN:
                if (control != null) {
                    control.pin(d.site(), MitigationStep.parse(d.arg("step")));
                }
                break;
            case UNDER_ATTACK:
                gateway.underAttack(d.site(), Boolean.parseBoolean(d.arg("on")));
                break;
            case AUTO_RULE:
                if (control != null) {
                    control.deploySharedRule(d.site(), d.args(), d.node());
                }
                break;
            case SPENT:
                shared.tickets.spend(d.arg("nonce"));
                break;
            default:
                break;
        }
    }

    @Override
    public LimitExchange limits() {
        return shared.limitExchange;
    }

    @Override
    public void align(LimitExchange.Charge charge, long clusterBacklogNanos) {
        shared.limiterTable.align(charge.localKey(), charge.limit(), clusterBacklogNanos, shared.ticker.getAsLong());
    }

    @Override
    public void nodes(int live) {
        shared.limiterTable.share(live);
    }

    @Override
    public java.util.List<SharedDecision> standing() {
        java.util.List<SharedDecision> out = new java.util.ArrayList<>();
        String node = shared.decisions.node();
        for (io.rampart.mitigate.AccessLists.Entry e : shared.lists.runtimeEntries()) {
            out.add(new SharedDecision(SharedDecision.Kind.LIST_ADD, "", Map.of("list", e.list(), "cidr", e.cidr(),
                    "note", e.note() == null ? "" : e.note()), 0, e.by(), node));
        }
        for (Gateway.SiteStatus s : gateway.sites()) {
            if (s.underAttack()) {
                out.add(new SharedDecision(SharedDecision.Kind.UNDER_ATTACK, s.name(), Map.of("on", "true"), 0, "operator", node));
            }
        }
        if (shared.control != null) {
            out.addAll(shared.control.standing());
        }
        return out;
    }

    @Override
    public void incidentRegistry(io.rampart.incident.IncidentRegistry registry) {
        if (shared.incidents != null) {
            shared.incidents.registry(registry);
        }
    }

    @Override
    public GatewayMetrics metrics() {
        return shared.metrics;
    }

    @Override
    public void share(double share) {
        if (shared.control != null) {
            shared.control.share(share);
        }
    }

    @Override
    public java.util.List<String> addresses() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (java.net.InetSocketAddress a : gateway.listenAddresses()) {
            out.add(io.netty.util.NetUtil.toSocketAddressString(a));
        }
        return out;
    }

    @Override
    public long requestsAnswered() {
        GatewayMetrics m = shared.metrics;
        long sum = 0;
        for (int slot = 0; slot < m.slotCount(); slot++) {
            for (Verdict v : Verdict.values()) {
                sum += m.requestCount(slot, v);
            }
        }
        return sum;
    }
}
