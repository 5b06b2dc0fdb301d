package io.rampart.proxy;

import io.rampart.admission.AdmissionGate;
import io.rampart.traffic.TrafficRecorder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What each site has learned on the data plane — its traffic recorder (the control plane's view
 * of its traffic) and its adaptive admission gate — kept by site name for the life of the process.
 * A reload that keeps a site keeps these, wherever the site moved in the list; a site removed and
 * added back later finds them again; a new site starts fresh.
 */
final class SiteMemory {
    private final Map<String, TrafficRecorder> recorders = new ConcurrentHashMap<>();
    private final Map<String, AdmissionGate> gates = new ConcurrentHashMap<>();

    TrafficRecorder recorder(String site) {
        return recorders.computeIfAbsent(site, s -> new TrafficRecorder());
    }

    /** The site's admission gate, made (and its meters bound) by {@code make} the first time. */
    AdmissionGate gate(String site, Supplier<AdmissionGate> make) {
        return gates.computeIfAbsent(site, s -> make.get());
    }
}
