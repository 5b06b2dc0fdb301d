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
 * sharing communities (MISP, OpenCTI) take in: the TLP 2.0 {@code marking-definition} every other
 * object refers to, an {@code identity} for the reporting organisation (or, when none is
 * configured, the Rampart gateway), an
 * {@code attack-pattern} (CAPEC-488 HTTP Flood), one {@code indicator} per refused source network
 * whose traffic was almost all refused and per user agent, with STIX patterns (a network with real
 * visitors served from it is no indicator), {@code relationship}s from each indicator to the
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
    /** The namespace STIX 2.1 (section 2.9) gives for deterministic cyber-observable ids. */
    private static final UUID SCO_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");
    /** When OASIS created the TLP 2.0 marking definitions. */
    private static final String TLP_CREATED = "2022-10-01T00:00:00.000Z";

    private Stix() {
    }

    static ObjectNode bundle(IncidentRecord r, Instant now) {
        return bundle(r, now, Reporter.NONE);
    }

    static ObjectNode bundle(IncidentRecord r, Instant now, Reporter reporter) {
        String created = ts(r.openedAt());
        String modified = ts(r.closedAt() != null ? r.closedAt() : now);
        ObjectNode bundle = IncidentJson.MAPPER.createObjectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + uuid(r.id() + "|bundle|" + modified));
        ArrayNode objects = bundle.putArray("objects");
        Tlp tlp = reporter.tlp();
        ObjectNode marking = objects.addObject();
        marking.put("type", "marking-definition");
        marking.put("spec_version", "2.1");
        marking.put("id", tlp.markingId());
        marking.put("created", TLP_CREATED);
        marking.put("name", tlp.label());
        ObjectNode ext = marking.putObject("extensions").putObject(Tlp.STIX_EXTENSION);
        ext.put("extension_type", "property-extension");
        ext.put("tlp_2_0", tlp.stixValue());
        String markingRef = tlp.markingId();

        String identity;
        ObjectNode id;
        if (reporter.organisation() != null) {
            identity = "identity--" + uuid("reporter|" + reporter.organisation());
            id = common(objects.addObject(), "identity", identity, created, created, markingRef);
            id.put("name", reporter.organisation());
            id.put("identity_class", "organization");
            String contact = String.join(", ", java.util.stream.Stream.of(reporter.contact(), reporter.email())
                    .filter(java.util.Objects::nonNull).toList());
            if (!contact.isEmpty()) {
                id.put("contact_information", contact);
            }
            id.put("description", "Reporting organisation; its Rampart gateway (node " + r.node() + ") protects " + r.site() + ".");
        } else {
            identity = "identity--" + uuid(r.id() + "|identity|" + r.node());
            id = common(objects.addObject(), "identity", identity, created, created, markingRef);
            id.put("name", "Rampart gateway protecting " + r.site() + " (node " + r.node() + ")");
            id.put("identity_class", "system");
        }

        String pattern = "attack-pattern--" + uuid("capec-488");
        ObjectNode ap = common(objects.addObject(), "attack-pattern", pattern, created, created, markingRef);
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
            if (!r.profile().mostlyRefused(c.value())) {
                continue; // real visitors were served from it too: not specific to the attack
            }
            String type = c.value().contains(":") ? "ipv6-addr" : "ipv4-addr";
            String op = c.value().contains("/") ? " ISSUBSET " : " = ";
            String ind = indicator(objects, r, identity, created, modified, validFrom, validUntil, markingRef,
                    "[" + type + ":value" + op + "'" + quote(c.value()) + "']",
                    "Source network of refused flood traffic: " + c.value(),
                    String.format(java.util.Locale.ROOT, "About %,d requests from %s were refused during incident %s.", c.requests(), c.value(), r.id()));
            relate(objects, identity, created, markingRef, ind, pattern);
            refsInReport.add(ind);
        }
        for (IncidentRecord.Count c : r.profile().autonomousSystems()) {
            java.util.regex.Matcher m = AS_LABEL.matcher(c.value());
            if (!m.matches()) {
                continue;
            }
            long number = Long.parseLong(m.group(1));
            if (number > 4_294_967_295L) {
                continue;
            }
            String as = "autonomous-system--" + uuid(SCO_NAMESPACE, "{\"number\":" + number + "}");
            if (refsInReport.contains(as)) {
                continue;
            }
            ObjectNode o = objects.addObject();
            o.put("type", "autonomous-system");
            o.put("spec_version", "2.1");
            o.put("id", as);
            o.put("number", number);
            o.putArray("object_marking_refs").add(markingRef);
            if (m.group(2) != null) {
                o.put("name", m.group(2));
            }
            refsInReport.add(as);
        }
        for (IncidentRecord.Count c : r.profile().userAgents()) {
            if (c.value().isEmpty() || r.profile().alsoUsedByRealVisitors(c.value())) {
                continue; // a browser real visitors use too: a CERT that blocked it would block them
            }
            String ind = indicator(objects, r, identity, created, modified, validFrom, validUntil, markingRef,
                    "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = '" + quote(c.value()) + "']",
                    "User agent of refused flood traffic",
                    String.format(java.util.Locale.ROOT, "About %,d refused requests carried this User-Agent during incident %s.", c.requests(), r.id()));
            relate(objects, identity, created, markingRef, ind, pattern);
            refsInReport.add(ind);
        }
        ObjectNode report = common(objects.addObject(), "report", "report--" + uuid(r.id() + "|report"), created, modified, markingRef);
        report.put("created_by_ref", identity);
        report.put("name", "Denial-of-service incident " + reporter.referenceOf(r.id()) + " on " + r.site());
        report.put("description", Reports.summary(r, now));
        report.put("published", modified);
        report.putArray("report_types").add("attack-pattern").add("indicator");
        ArrayNode or = report.putArray("object_refs");
        refsInReport.forEach(or::add);
        return bundle;
    }

    private static String indicator(ArrayNode objects, IncidentRecord r, String identity, String created, String modified,
                                    String validFrom, String validUntil, String markingRef, String pattern, String name, String description) {
        String id = "indicator--" + uuid(r.id() + "|" + pattern);
        ObjectNode o = common(objects.addObject(), "indicator", id, created, modified, markingRef);
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

    private static void relate(ArrayNode objects, String identity, String created, String markingRef, String from, String to) {
        ObjectNode rel = common(objects.addObject(), "relationship", "relationship--" + uuid(from + "|indicates|" + to), created, created, markingRef);
        rel.put("created_by_ref", identity);
        rel.put("relationship_type", "indicates");
        rel.put("source_ref", from);
        rel.put("target_ref", to);
    }

    private static ObjectNode common(ObjectNode o, String type, String id, String created, String modified, String markingRef) {
        o.put("type", type);
        o.put("spec_version", "2.1");
        o.put("id", id);
        o.put("created", created);
        o.put("modified", modified);
        o.putArray("object_marking_refs").add(markingRef);
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

    /** RFC 4122 version 5 (SHA-1, name-based) UUID in Rampart's namespace. */
    static UUID uuid(String name) {
        return uuid(NAMESPACE, name);
    }

    /** RFC 4122 version 5 UUID of {@code name} in {@code namespace}. */
    static UUID uuid(UUID namespace, String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer ns = ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
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
