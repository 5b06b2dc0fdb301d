package io.rampart.incident;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An incident's indicators as a STIX 2.1 bundle (OASIS, 2021), the form national CERTs and
 * sharing communities (MISP, OpenCTI) take in: an {@code identity} for the reporting Rampart, an
 * {@code attack-pattern} (CAPEC-488 HTTP Flood), one {@code indicator} per refused source network
 * and per user agent with STIX patterns, {@code relationship}s from each indicator to the
 * pattern, and a {@code report} that ties them together with the summary. A user agent that the
 * site's real visitors send too (common in its normal traffic, or a mainstream browser's while
 * that was not yet known) is never an indicator.
 *
 * <p>Ids are UUIDv5 (allowed by the spec for deterministic ids) of the incident id and the
 * object's content, so rendering a report twice gives the same bundle and a receiver can
 * de-duplicate. Indicators are valid for a week from the incident's end: botnet addresses change
 * hands quickly, and a stale block list hurts the next innocent owner.
 */
final class Stix {
    private static final java.util.regex.Pattern AS_LABEL = java.util.regex.Pattern.compile("AS(\\d{1,10})(?: (.+))?");
    private static final UUID NAMESPACE = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"); // RFC 4122 URL namespace
    private static final Duration VALID_FOR = Duration.ofDays(7);

    private Stix() {
    }

    static ObjectNode bundle(IncidentRecord r, Instant now) {
        String created = ts(r.openedAt());
        String modified = ts(r.closedAt() != null ? r.closedAt() : now);
        ObjectNode bundle = IncidentJson.MAPPER.createObjectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + uuid(r.id() + "|bundle|" + modified));
        ArrayNode objects = bundle.putArray("objects");

        String identity = "identity--" + uuid(r.id() + "|identity|" + r.node());
        ObjectNode id = common(objects.addObject(), "identity", identity, created, created);
        id.put("name", "Rampart gateway protecting " + r.site() + " (node " + r.node() + ")");
        id.put("identity_class", "system");

        String pattern = "attack-pattern--" + uuid("capec-488");
        ObjectNode ap = common(objects.addObject(), "attack-pattern", pattern, created, created);
        ap.put("created_by_ref", identity);
        ap.put("name", "HTTP Flood");
        ap.put("description", String.join("; ", r.vectors()));
        ArrayNode refs = ap.putArray("external_references");
        ObjectNode capec = refs.addObject();
        capec.put("source_name", "capec");
        capec.put("external_id", "CAPEC-488");
        capec.put("url", "https://capec.mitre.org/data/definitions/488.html");

        List<String> refsInReport = new ArrayList<>(List.of(identity, pattern));
        String validFrom = ts(r.attackStartedAt() != null ? r.attackStartedAt() : r.openedAt());
        String validUntil = ts((r.closedAt() != null ? r.closedAt() : now).plus(VALID_FOR));
        for (IncidentRecord.Count c : r.profile().networks()) {
            String type = c.value().contains(":") ? "ipv6-addr" : "ipv4-addr";
            String ind = indicator(objects, r, identity, created, modified, validFrom, validUntil,
                    "[" + type + ":value = '" + quote(c.value()) + "']",
                    "Source network of refused flood traffic: " + c.value(),
                    String.format(java.util.Locale.ROOT, "About %,d requests from %s were refused during incident %s.", c.requests(), c.value(), r.id()));
            relate(objects, identity, created, ind, pattern);
            refsInReport.add(ind);
        }
        for (IncidentRecord.Count c : r.profile().autonomousSystems()) {
            java.util.regex.Matcher m = AS_LABEL.matcher(c.value());
            if (!m.matches()) {
                continue;
            }
            String as = "autonomous-system--" + uuid("as|" + m.group(1));
            ObjectNode o = objects.addObject();
            o.put("type", "autonomous-system");
            o.put("spec_version", "2.1");
            o.put("id", as);
            o.put("number", Long.parseLong(m.group(1)));
            if (m.group(2) != null) {
                o.put("name", m.group(2));
            }
            refsInReport.add(as);
        }
        for (IncidentRecord.Count c : r.profile().userAgents()) {
            if (c.value().isEmpty() || r.profile().alsoUsedByRealVisitors(c.value())) {
                continue; // a browser real visitors use too: a CERT that blocked it would block them
            }
            String ind = indicator(objects, r, identity, created, modified, validFrom, validUntil,
                    "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = '" + quote(c.value()) + "']",
                    "User agent of refused flood traffic",
                    String.format(java.util.Locale.ROOT, "About %,d refused requests carried this User-Agent during incident %s.", c.requests(), r.id()));
            relate(objects, identity, created, ind, pattern);
            refsInReport.add(ind);
        }
        ObjectNode report = common(objects.addObject(), "report", "report--" + uuid(r.id() + "|report"), created, modified);
        report.put("created_by_ref", identity);
        report.put("name", "Denial-of-service incident " + r.id() + " on " + r.site());
        report.put("description", Reports.summary(r, now));
        report.put("published", modified);
        report.putArray("report_types").add("attack-pattern").add("indicator");
        ArrayNode or = report.putArray("object_refs");
        refsInReport.forEach(or::add);
        return bundle;
    }

    private static String indicator(ArrayNode objects, IncidentRecord r, String identity, String created, String modified,
                                    String validFrom, String validUntil, String pattern, String name, String description) {
        String id = "indicator--" + uuid(r.id() + "|" + pattern);
        ObjectNode o = common(objects.addObject(), "indicator", id, created, modified);
        o.put("created_by_ref", identity);
        o.put("name", name);
        o.put("description", description);
        o.putArray("indicator_types").add("malicious-activity");
        o.put("pattern", pattern);
        o.put("pattern_type", "stix");
        o.put("valid_from", validFrom);
        o.put("valid_until", validUntil);
        return id;
    }

    private static void relate(ArrayNode objects, String identity, String created, String from, String to) {
        ObjectNode rel = common(objects.addObject(), "relationship", "relationship--" + uuid(from + "|indicates|" + to), created, created);
        rel.put("created_by_ref", identity);
        rel.put("relationship_type", "indicates");
        rel.put("source_ref", from);
        rel.put("target_ref", to);
    }

    private static ObjectNode common(ObjectNode o, String type, String id, String created, String modified) {
        o.put("type", type);
        o.put("spec_version", "2.1");
        o.put("id", id);
        o.put("created", created);
        o.put("modified", modified);
        return o;
    }

    /** A STIX timestamp: UTC, millisecond precision, {@code Z}. */
    static String ts(Instant t) {
        Instant ms = t.truncatedTo(ChronoUnit.MILLIS);
        String s = ms.toString();
        return s.contains(".") ? s : s.replace("Z", ".000Z");
    }

    /** Escapes a string for a STIX pattern literal (backslash and quote). */
    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** RFC 4122 version 5 (SHA-1, name-based) UUID. */
    static UUID uuid(String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer ns = ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
            sha1.update(ns.array());
            byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x50);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
