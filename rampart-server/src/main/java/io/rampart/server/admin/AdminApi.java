package io.rampart.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rampart.config.Durations;
import io.rampart.config.MitigationStep;
import io.rampart.detect.ControlPlane;
import io.rampart.detect.SiteView;
import io.rampart.firewall.KernelFirewall;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.Incidents;
import io.rampart.incident.Reports;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.Reason;
import io.rampart.mitigate.RefIds;
import io.rampart.mitigate.RefLedger;
import io.rampart.proxy.Gateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON endpoints under {@code /api/}: status, sites and their switches, rules, lists,
 * incidents and reports, reference-id lookup, reload. Every change is audited (log and the open
 * incident's timeline) with who made it. Errors name what was wrong and what was expected.
 */
final class AdminApi {
    /** Reloads the configuration from where it came from; returns a sentence saying what happened. */
    public interface Reloader {
        String reload() throws Exception;
    }

    private final Gateway gateway;
    private final Reloader reloader;
    private final LiveRates rates;
    private final Runnable listsChanged;
    private final Instant started = Instant.now();

    AdminApi(Gateway gateway, Reloader reloader, LiveRates rates, Runnable listsChanged) {
        this.gateway = gateway;
        this.reloader = reloader;
        this.rates = rates;
        this.listsChanged = listsChanged;
    }

    /** Handles {@code /api/...}; {@code who} names the caller for the audit trail. */
    Reply handle(HttpMethod method, String path, Map<String, List<String>> query, String body, String who) {
        String[] p = path.substring(1).split("/", -1); // "api", ...
        if (p.length < 2) {
            return notFound(path);
        }
        boolean get = method == HttpMethod.GET || method == HttpMethod.HEAD;
        boolean post = method == HttpMethod.POST;
        boolean delete = method == HttpMethod.DELETE;
        switch (p[1]) {
            case "status":
                return only(get, p.length == 2, path, this::status);
            case "sites":
                if (p.length == 2) {
                    return only(get, true, path, () -> Reply.ok(gateway.sites()));
                }
                if (p.length == 4 && post && "under-attack".equals(p[3])) {
                    return underAttack(p[2], query, who);
                }
                if (p.length == 4 && post && "pin".equals(p[3])) {
                    return pin(p[2], query, who);
                }
                return notFound(path);
            case "rules":
                if (p.length == 2 && get) {
                    return rules();
                }
                if (p.length == 2 && post) {
                    return addRule(body, who);
                }
                if (p.length == 3 && post && "preview".equals(p[2])) {
                    return previewRule(body);
                }
                if (p.length == 3 && delete) {
                    return removeRule(p[2], who);
                }
                if (p.length == 4 && post && "shadow".equals(p[3])) {
                    return shadow(p[2], query, who);
                }
                return p.length <= 4 ? methodNotAllowed(method, path) : notFound(path);
            case "lists":
                if (p.length == 2 && get) {
                    return lists();
                }
                if (p.length == 3 && (post || delete)) {
                    return post ? addListEntry(p[2], body, who) : removeListEntry(p[2], query, who);
                }
                return p.length <= 3 ? methodNotAllowed(method, path) : notFound(path);
            case "incidents":
                return incidents(method, p, query, body, who, path);
            case "refs":
                return p.length == 3 && get ? ref(p[2]) : p.length == 3 ? methodNotAllowed(method, path) : notFound(path);
            case "reload":
                return only(post, p.length == 2, path, () -> reload(who));
            case "firewall":
                return only(get, p.length == 2, path, () -> firewall(query));
            case "cluster":
                return only(get, p.length == 2, path, this::cluster);
            case "history":
                return only(get, p.length == 2, path, () -> history(query));
            default:
                return notFound(path);
        }
    }

    // ---------------------------------------------------------------- status

    private Reply status() {
        Map<String, Object> out = new LinkedHashMap<>();
        io.rampart.cluster.ClusterLink cluster = gateway.cluster();
        out.put("node", cluster != null ? cluster.describe().get("node") : RefLedger.nodeOf(RefIds.node() << 48));
        out.put("startedAt", started);
        out.put("uptimeSeconds", Duration.between(started, Instant.now()).getSeconds());
        out.put("connections", gateway.openConnections());
        out.put("inFlight", gateway.inFlight());
        ControlPlane control = gateway.detection();
        List<SiteView> views = control == null ? List.of() : control.view();
        Incidents incidents = gateway.incidents();
        Map<String, SiteView> viewsByName = new java.util.HashMap<>();
        for (SiteView v : views) {
            viewsByName.put(v.site(), v);
        }
        List<Map<String, Object>> sites = new ArrayList<>();
        for (Gateway.SiteStatus s : gateway.sites()) {
            int slot = gateway.metrics().slotOf(s.name()); // the site's counters
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            SiteView v = viewsByName.get(s.name());
            m.put("state", v == null ? "detection off" : v.state());
            m.put("signals", v == null ? null : v.signals());
            m.put("pin", v == null ? null : v.pin());
            m.put("underAttack", s.underAttack());
            m.put("origins", s.origins());
            m.put("widened", v != null && v.widened());
            m.put("admission", Map.of("limit", s.admissionLimit(), "inFlight", s.inFlight(), "queued", s.queued()));
            m.put("requestsPerSecond", rates.latest(slot));
            m.put("rules", v == null ? List.of() : v.rules());
            m.put("openIncident", incidents == null ? null : incidents.openIncident(s.name()));
            m.put("topSources", incidents == null ? List.of() : incidents.liveSources(s.name()));
            m.put("sourceGroups", incidents == null ? null : incidents.sourceGroups(s.name()));
            m.put("series", rates.series(slot, 120));
            sites.add(m);
        }
        out.put("sites", sites);
        List<Map<String, Object>> open = new ArrayList<>();
        if (incidents != null) {
            for (IncidentRecord r : incidents.list(20)) {
                open.add(summary(r));
            }
        }
        out.put("incidents", open);
        io.rampart.cluster.ClusterLink link = gateway.cluster();
        if (link != null) {
            out.put("cluster", link.describe());
        }
        return Reply.ok(out);
    }

    private static Map<String, Object> summary(IncidentRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("site", r.site());
        m.put("status", r.status());
        m.put("openedAt", r.openedAt());
        m.put("closedAt", r.closedAt());
        m.put("openedBy", r.openedBy());
        m.put("requests", r.profile().requests());
        m.put("peakRequestsPerSecond", r.profile().peakRequestsPerSecond());
        m.put("refused", r.mitigation().refused());
        m.put("shareKeptOffOrigin", r.mitigation().shareKeptOffOrigin());
        m.put("vectors", r.vectors());
        return m;
    }

    // ---------------------------------------------------------------- sites

    private Reply underAttack(String site, Map<String, List<String>> query, String who) {
        String on = one(query, "on");
        if (!"true".equals(on) && !"false".equals(on)) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected on=true or on=false");
        }
        boolean value = Boolean.parseBoolean(on);
        if (!gateway.underAttack(site, value)) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no site named '" + site + "'");
        }
        Incidents incidents = gateway.incidents();
        String incident = null;
        if (incidents != null) {
            if (value) {
                incident = incidents.openByOperator(site, who, "under-attack switch turned on: every unknown client is challenged").id();
            } else {
                incidents.audit(site, who, "under-attack switch turned off");
                incident = incidents.openIncident(site);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", site);
        m.put("underAttack", value);
        m.put("incident", incident);
        return Reply.ok(m);
    }

    private Reply pin(String site, Map<String, List<String>> query, String who) {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return detectionOff();
        }
        String step = one(query, "step");
        if (step == null) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected one step=auto|observe|limit|challenge|block|close|under-attack");
        }
        MitigationStep parsed;
        try {
            parsed = MitigationStep.parse(step);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "step: " + e.getMessage());
        }
        if (!control.pin(site, parsed)) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no site named '" + site + "'");
        }
        audit(site, who, parsed == null ? "pin removed: mitigation automatic again" : "mitigation pinned at " + parsed.id());
        return Reply.ok(Map.of("site", site, "pin", parsed == null ? "auto" : parsed.id()));
    }

    // ---------------------------------------------------------------- rules

    private Reply rules() {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return detectionOff();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (SiteView v : control.view()) {
            for (SiteView.RuleView r : v.rules()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("site", v.site());
                m.put("rule", r);
                out.add(m);
            }
        }
        return Reply.ok(out);
    }

    private Reply addRule(String body, String who) {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return Reply.error(HttpResponseStatus.CONFLICT, "detection is off (detection.enabled: false): rules need the control plane");
        }
        JsonNode n;
        try {
            n = object(body);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage()
                    + "; expected {\"site\": \"S\", \"step\": \"block\", \"match\": {\"network\": \"203.0.113.0/24\"}, \"ttl\": \"1h\"}");
        }
        String site = text(n, "site");
        String step = text(n, "step");
        JsonNode match = n.get("match");
        if (site == null || step == null || match == null || !match.isObject()) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected site, step and a match object");
        }
        Map<String, String> m;
        try {
            m = matchOf(match);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        try {
            MitigationStep parsed = MitigationStep.parse(step);
            Duration ttl = text(n, "ttl") == null ? null : Durations.parse(text(n, "ttl"));
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                return Reply.error(HttpResponseStatus.BAD_REQUEST, "ttl: expected a positive duration such as 30m");
            }
            String id = control.addRule(site, m, parsed, ttl, who);
            audit(site, who, "rule " + id + " added at " + step + " matching " + m + (ttl == null ? "" : " for " + text(n, "ttl")));
            return Reply.json(HttpResponseStatus.CREATED, Map.of("id", id, "site", site, "step", parsed.id()));
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    /** A rule's match object as key to text; names the first value that is not a string. */
    private static Map<String, String> matchOf(JsonNode match) {
        Map<String, String> m = new LinkedHashMap<>();
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("match." + e.getKey() + ": expected a string");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /** {@code POST /api/rules/preview}: the share of normal traffic a rule would hit, without adding it. */
    private Reply previewRule(String body) {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return detectionOff();
        }
        JsonNode n;
        try {
            n = object(body);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "; expected {\"site\": \"S\", \"match\": {\"path\": \"/search\"}}");
        }
        JsonNode match = n.get("match");
        if (text(n, "site") == null || match == null || !match.isObject()) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected site and a match object");
        }
        Map<String, String> m;
        try {
            m = matchOf(match);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        try {
            return Reply.ok(control.preview(text(n, "site"), m));
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private Reply removeRule(String id, String who) {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return detectionOff();
        }
        if (!control.removeRule(id, who)) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no operator rule with id '" + id
                    + "' (automatic rules expire by themselves: put one in shadow with POST /api/rules/ID/shadow?on=true, or pin the site)");
        }
        audit(null, who, "rule " + id + " removed");
        return Reply.ok(Map.of("removed", id));
    }

    private Reply shadow(String id, Map<String, List<String>> query, String who) {
        ControlPlane control = gateway.detection();
        if (control == null) {
            return detectionOff();
        }
        String on = one(query, "on");
        if (!"true".equals(on) && !"false".equals(on)) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected on=true or on=false");
        }
        if (!control.shadowRule(id, Boolean.parseBoolean(on))) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no automatic rule in force with id '" + id + "'");
        }
        audit(null, who, "rule " + id + (Boolean.parseBoolean(on) ? " put in shadow" : " enforced again"));
        return Reply.ok(Map.of("rule", id, "shadow", Boolean.parseBoolean(on)));
    }

    // ---------------------------------------------------------------- history

    /** {@code GET /api/history?site=S&range=1h|24h|30d}: the site's traffic over the range (see {@link History#read}). */
    private Reply history(Map<String, List<String>> query) {
        String site = one(query, "site");
        String range = Optional.ofNullable(one(query, "range")).orElse("1h");
        if (site == null || gateway.sites().stream().noneMatch(s -> s.name().equals(site))) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, site == null ? "expected one site=NAME"
                    : "no site named '" + site + "'");
        }
        try {
            return Reply.ok(rates.history().read(site, range, Instant.now().getEpochSecond()));
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- cluster

    private Reply cluster() {
        io.rampart.cluster.ClusterLink link = gateway.cluster();
        if (link == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("enabled", false);
            m.put("note", "no cluster: give cluster.store (redis://HOST:6379/0) to share limits and decisions with other nodes");
            return Reply.ok(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", true);
        m.putAll(link.describe());
        return Reply.ok(m);
    }

    // ---------------------------------------------------------------- firewall

    /** What the kernel drops now and why ({@code ?limit=N}, 1000 by default, at most 100000). */
    private Reply firewall(Map<String, List<String>> query) {
        int limit;
        try {
            limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit").get(0)) : 1000;
        } catch (NumberFormatException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "limit: expected a number from 1 to 100000, got '" + query.get("limit").get(0) + "'");
        }
        if (limit < 1 || limit > 100_000) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "limit: expected a number from 1 to 100000, got " + limit);
        }
        KernelFirewall fw = gateway.firewall();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", fw != null);
        if (fw == null) {
            m.put("note", "firewall.enabled is off: refusals happen in user space only");
            return Reply.ok(m);
        }
        m.put("backend", fw.describe());
        m.put("table", fw.config().table());
        m.put("hook", fw.config().hook());
        m.put("inStep", fw.up());
        m.put("lastError", fw.lastError());
        m.put("elements", fw.elementCount());
        m.put("leftOut", fw.judgedLeftOut());
        m.put("droppedPackets", fw.droppedPackets());
        m.put("droppedBytes", fw.droppedBytes());
        m.put("neverDropped", fw.adminAddresses().stream().map(Object::toString).toList());
        m.put("entries", fw.listing(limit));
        return Reply.ok(m);
    }

    // ---------------------------------------------------------------- lists

    private Reply lists() {
        AccessLists l = gateway.lists();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowFromConfig", l.configAllow());
        m.put("denyFromConfig", l.configDeny());
        m.put("runtime", l.runtimeEntries());
        return Reply.ok(m);
    }

    private Reply addListEntry(String list, String body, String who) {
        if (!"allow".equals(list) && !"deny".equals(list)) {
            return noSuchList(list);
        }
        JsonNode n;
        try {
            n = object(body);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "; expected {\"cidr\": \"203.0.113.0/24\", \"note\": \"why\"}");
        }
        String cidr = text(n, "cidr");
        if (cidr == null) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected {\"cidr\": \"203.0.113.0/24\", \"note\": \"why\"}");
        }
        try {
            AccessLists.Entry e = gateway.lists().add(list, cidr, who, text(n, "note"), Instant.now());
            listsChanged.run();
            audit(null, who, e.cidr() + " added to the " + list + " list" + (e.note() == null ? "" : ": " + e.note()));
            return Reply.json(HttpResponseStatus.CREATED, e);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "cidr: " + e.getMessage());
        }
    }

    private Reply removeListEntry(String list, Map<String, List<String>> query, String who) {
        if (!"allow".equals(list) && !"deny".equals(list)) {
            return noSuchList(list);
        }
        String cidr = one(query, "cidr");
        if (cidr == null) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected one cidr=PREFIX");
        }
        if (!gateway.lists().remove(list, cidr)) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "no run-time entry " + cidr + " in the " + list
                    + " list (entries from the configuration file are changed there, then reloaded)");
        }
        listsChanged.run();
        audit(null, who, cidr + " removed from the " + list + " list");
        return Reply.ok(Map.of("removed", cidr, "list", list));
    }

    // ---------------------------------------------------------------- incidents

    private Reply incidents(HttpMethod method, String[] p, Map<String, List<String>> query, String body, String who, String path) {
        Incidents incidents = gateway.incidents();
        if (incidents == null) {
            return Reply.error(HttpResponseStatus.CONFLICT, "incidents are off (incidents.enabled: false)");
        }
        boolean get = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (p.length == 2 && get) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (IncidentRecord r : incidents.list(intParam(query, "limit", 50, 1, 1000))) {
                out.add(summary(r));
            }
            return Reply.ok(out);
        }
        if (p.length == 2 && method == HttpMethod.POST) {
            JsonNode n;
            try {
                n = object(body);
            } catch (IllegalArgumentException e) {
                return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "; expected {\"site\": \"S\", \"note\": \"why\"}");
            }
            String site = text(n, "site");
            if (site == null) {
                return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected {\"site\": \"S\", \"note\": \"why\"}");
            }
            try {
                IncidentRecord r = incidents.openByOperator(site, who, text(n, "note") == null ? "opened by hand" : text(n, "note"));
                return Reply.json(HttpResponseStatus.CREATED, summary(r));
            } catch (IllegalArgumentException e) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, e.getMessage());
            }
        }
        if (p.length < 3) {
            return methodNotAllowed(method, path);
        }
        String id = p[2];
        if (p.length == 3 && get) {
            return incidents.find(id).map(Reply::ok).orElseGet(() -> Reply.error(HttpResponseStatus.NOT_FOUND, "no incident '" + id + "'"));
        }
        if (p.length == 4 && get && "report".equals(p[3])) {
            String format = Optional.ofNullable(one(query, "format")).orElse("html");
            if (!Reports.FORMATS.contains(format)) {
                return Reply.error(HttpResponseStatus.BAD_REQUEST, "format: expected one of " + Reports.FORMATS + ", got '" + format + "'");
            }
            Optional<IncidentRecord> r = incidents.find(id);
            if (r.isEmpty()) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no incident '" + id + "'");
            }
            String type = "html".equals(format) ? "text/html; charset=utf-8"
                    : "md".equals(format) ? "text/markdown; charset=utf-8" : "application/json";
            return Reply.text(HttpResponseStatus.OK, type, Reports.render(r.get(), format, Instant.now(), incidents.reporter()));
        }
        if (p.length == 4 && method == HttpMethod.POST && "close".equals(p[3])) {
            String note = body == null || body.isBlank() ? null : textOrNull(body, "note");
            return incidents.closeByOperator(id, who, note).map(r -> Reply.ok(summary(r)))
                    .orElseGet(() -> Reply.error(HttpResponseStatus.NOT_FOUND, "no open incident '" + id + "'"));
        }
        if (p.length == 4 && method == HttpMethod.POST && "send".equals(p[3])) {
            try {
                List<String> to = incidents.sendToCert(id, who);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("incident", id);
                m.put("queued", to);
                m.put("note", "each delivery, or its failure after the retries, is written to the incident's timeline");
                return Reply.json(HttpResponseStatus.ACCEPTED, m);
            } catch (IllegalStateException e) {
                return Reply.error(HttpResponseStatus.CONFLICT, e.getMessage());
            } catch (java.util.NoSuchElementException e) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, e.getMessage());
            }
        }
        if (p.length == 4 && method == HttpMethod.POST && "notes".equals(p[3])) {
            String text = body == null || body.isBlank() ? null : textOrNull(body, "text");
            if (text == null || text.isBlank()) {
                return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected {\"text\": \"what happened\"}");
            }
            Optional<IncidentRecord> r = incidents.find(id);
            if (r.isEmpty() || !r.get().open()) {
                return Reply.error(HttpResponseStatus.NOT_FOUND, "no open incident '" + id + "'");
            }
            incidents.audit(r.get().site(), who, "note: " + text);
            return Reply.json(HttpResponseStatus.CREATED, Map.of("incident", id, "noted", text));
        }
        return notFound(path);
    }

    // ---------------------------------------------------------------- refs

    private Reply ref(String text) {
        long ref;
        try {
            ref = RefIds.parse(text);
        } catch (IllegalArgumentException e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
        if (!RefLedger.ours(ref)) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "reference " + RefIds.format(ref) + " was issued by node "
                    + RefLedger.nodeOf(ref) + ", not this one (" + RefLedger.nodeOf(RefIds.node() << 48) + "): ask that node");
        }
        RefLedger.Entry e = gateway.refs().find(ref);
        if (e == null) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "reference " + RefIds.format(ref) + " is not among the last "
                    + RefLedger.SLOTS + " requests of this node: look it up in the access log (\"ref\":\"" + RefIds.format(ref) + "\")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request", e);
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("reason", e.reason());
        counters.put("explanation", explain(e));
        m.put("why", counters);
        ControlPlane control = gateway.detection();
        if (e.rule() != null && control != null) {
            for (SiteView v : control.view()) {
                for (SiteView.RuleView r : v.rules()) {
                    if (r.id().equals(e.rule())) {
                        m.put("rule", r);
                    }
                }
            }
            if (!m.containsKey("rule")) {
                m.put("rule", Map.of("id", e.rule(), "note", "no longer in force"));
            }
        }
        return Reply.ok(m);
    }

    private static String explain(RefLedger.Entry e) {
        Reason r = Reason.byId(e.reason());
        String text = r == null ? null : r.explain(e.rule());
        return text != null ? text : "verdict " + e.verdict() + " with status " + e.status();
    }

    // ---------------------------------------------------------------- reload

    private Reply reload(String who) {
        if (reloader == null) {
            return Reply.error(HttpResponseStatus.CONFLICT, "this gateway was not started from a configuration file: nothing to reload");
        }
        try {
            String what = reloader.reload();
            audit(null, who, "configuration " + what);
            return Reply.ok(Map.of("reloaded", true, "message", what));
        } catch (Exception e) {
            audit(null, who, "configuration reload refused: " + e.getMessage());
            return Reply.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Reply detectionOff() {
        return Reply.error(HttpResponseStatus.CONFLICT, "detection is off (detection.enabled: false)");
    }

    private static Reply noSuchList(String list) {
        return Reply.error(HttpResponseStatus.NOT_FOUND, "no list '" + list + "': expected /api/lists/allow or /api/lists/deny");
    }

    private void audit(String site, String who, String text) {
        Incidents incidents = gateway.incidents();
        if (incidents != null) {
            incidents.audit(site, who, text);
        } else {
            org.slf4j.LoggerFactory.getLogger(AdminApi.class).info("admin: {}: {}", who, text);
        }
    }

    private interface Action {
        Reply run();
    }

    private static Reply only(boolean methodOk, boolean pathOk, String path, Action a) {
        if (!pathOk) {
            return notFound(path);
        }
        if (!methodOk) {
            return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed on " + path);
        }
        return a.run();
    }

    private static Reply methodNotAllowed(HttpMethod m, String path) {
        return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, m + " is not allowed on " + path);
    }

    static Reply notFound(String path) {
        return Reply.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path + " (see docs/admin-api.md: /api/status, /api/sites, "
                + "/api/rules, /api/lists, /api/incidents, /api/refs/ID, /api/reload, /api/firewall, /api/cluster, /api/history)");
    }

    private static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the body is empty");
        }
        JsonNode n;
        try {
            n = Reply.JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        return n;
    }

    private static String textOrNull(String body, String field) {
        try {
            return text(object(body), field);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
    }

    private static String one(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.size() != 1 ? null : v.get(0);
    }

    private static int intParam(Map<String, List<String>> query, String name, int dflt, int min, int max) {
        String v = one(query, name);
        if (v == null) {
            return dflt;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
