package io.rampart.incident;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The STIX 2.1 specification's rules (OASIS Standard, 10 June 2021) for the objects Rampart's
 * bundles hold, checked the way the specification's JSON schemas and the OASIS validator check
 * them: the bundle's shape; identifiers ({@code type--UUID}, RFC 4122); timestamps (RFC 3339 in
 * UTC, millisecond precision for {@code created}/{@code modified}); each type's required and
 * allowed properties and open vocabularies; STIX patterns (comparison expressions, quoted
 * literals, CIDR values for {@code ISSUBSET}); and, beyond a schema, that every reference
 * ({@code created_by_ref}, {@code object_marking_refs}, {@code object_refs}, relationship ends)
 * resolves inside the bundle and that TLP markings are TLP 2.0's published definitions.
 *
 * <p>Returns every problem found, so a test names what is wrong, not only that something is.
 */
public final class StixRules {
    private static final Pattern ID = Pattern.compile("([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final Pattern MILLIS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Pattern PROPERTY = Pattern.compile("[a-z0-9_]{3,250}");
    private static final Set<String> COMMON = Set.of("type", "spec_version", "id", "created", "modified", "created_by_ref", "revoked",
            "labels", "confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions");
    private static final Map<String, Set<String>> SPECIFIC = Map.of(
            "identity", Set.of("name", "description", "roles", "identity_class", "sectors", "contact_information"),
            "attack-pattern", Set.of("name", "description", "aliases", "kill_chain_phases"),
            "indicator", Set.of("name", "description", "indicator_types", "pattern", "pattern_type", "pattern_version", "valid_from",
                    "valid_until", "kill_chain_phases"),
            "relationship", Set.of("relationship_type", "description", "source_ref", "target_ref", "start_time", "stop_time"),
            "report", Set.of("name", "description", "report_types", "published", "object_refs"));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "identity", List.of("name"),
            "attack-pattern", List.of("name"),
            "indicator", List.of("pattern", "pattern_type", "valid_from"),
            "relationship", List.of("relationship_type", "source_ref", "target_ref"),
            "report", List.of("name", "published", "object_refs"));
    private static final Set<String> IDENTITY_CLASS = Set.of("individual", "group", "system", "organization", "class", "unknown");
    private static final Set<String> INDICATOR_TYPE = Set.of("anomalous-activity", "anonymization", "benign", "compromised",
            "malicious-activity", "attribution", "unknown");
    private static final Set<String> REPORT_TYPE = Set.of("attack-pattern", "campaign", "identity", "indicator", "intrusion-set",
            "malware", "observed-data", "threat-actor", "threat-report", "tool", "vulnerability");
    private static final Map<String, String> TLP_2 = Map.of(
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear",
            "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green",
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber",
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict",
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red");
    /** One comparison expression: object path, operator, literal. */
    private static final Pattern COMPARISON = Pattern.compile(
            "([a-z0-9-]+):((?:[a-z0-9_]+|'(?:[^'\\\\]|\\\\.)*')(?:\\.(?:[a-z0-9_]+|'(?:[^'\\\\]|\\\\.)*'))*)"
            + " (NOT )?(=|!=|<|>|<=|>=|LIKE|MATCHES|ISSUBSET|ISSUPERSET) "
            + "('((?:[^'\\\\]|\\\\['\\\\])*)'|-?\\d+(?:\\.\\d+)?|true|false)");
    private static final Pattern IPV4_CIDR = Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)(/(3[0-2]|[12]?\\d))?");
    private static final Pattern IPV6_CIDR = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/(12[0-8]|1[01]\\d|[1-9]?\\d))?");

    private StixRules() {
    }

    /** Every rule {@code bundle} breaks; empty when it is a valid STIX 2.1 bundle. */
    public static List<String> problems(JsonNode bundle) {
        List<String> p = new ArrayList<>();
        if (bundle == null || !bundle.isObject()) {
            p.add("a bundle is a JSON object");
            return p;
        }
        if (!"bundle".equals(text(bundle, "type"))) {
            p.add("bundle: type must be 'bundle'");
        }
        id(p, "bundle", bundle, "bundle");
        for (Iterator<String> it = bundle.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("type", "id", "objects").contains(f)) {
                p.add("bundle: unexpected property '" + f + "' (a 2.1 bundle has type, id and objects only)");
            }
        }
        JsonNode objects = bundle.get("objects");
        if (objects == null || !objects.isArray() || objects.isEmpty()) {
            p.add("bundle: objects must be a non-empty list");
            return p;
        }
        Map<String, String> types = new HashMap<>();
        for (JsonNode o : objects) {
            String id = text(o, "id");
            if (id != null && types.put(id, text(o, "type")) != null) {
                p.add(id + ": appears twice");
            }
        }
        for (JsonNode o : objects) {
            object(p, o, types);
        }
        return p;
    }

    private static void object(List<String> p, JsonNode o, Map<String, String> types) {
        String type = text(o, "type");
        String where = text(o, "id") == null ? "an object of type " + type : text(o, "id");
        if (type == null) {
            p.add(where + ": no type");
            return;
        }
        id(p, where, o, type);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!"id".equals(f) && !PROPERTY.matcher(f).matches()) { // the rule binds names beyond the specification's own
                p.add(where + ": property name '" + f + "' breaks the naming rule [a-z0-9_]{3,250}");
            }
        }
        if (o.has("object_marking_refs")) {
            refs(p, where, o.get("object_marking_refs"), "marking-definition", types, "object_marking_refs");
        }
        if (o.has("created_by_ref")) {
            ref(p, where, text(o, "created_by_ref"), "identity", types, "created_by_ref");
        }
        if ("marking-definition".equals(type)) {
            marking(p, where, o);
            return;
        }
        if ("autonomous-system".equals(type)) {
            if (!o.has("number") || !o.get("number").canConvertToLong() || o.get("number").asLong() < 0) {
                p.add(where + ": number must be a non-negative integer");
            }
            for (String f : List.of("created", "modified")) {
                if (o.has(f)) {
                    p.add(where + ": a cyber-observable has no " + f);
                }
            }
            known(p, where, o, Set.of("type", "spec_version", "id", "number", "name", "rir", "object_marking_refs", "granular_markings",
                    "defanged", "extensions"));
            return;
        }
        Set<String> specific = SPECIFIC.get(type);
        if (specific == null) {
            p.add(where + ": type '" + type + "' is not one Rampart's bundles should hold");
            return;
        }
        if (!"2.1".equals(text(o, "spec_version"))) {
            p.add(where + ": spec_version must be '2.1'");
        }
        for (String f : List.of("created", "modified")) {
            String t = text(o, f);
            if (t == null || !MILLIS.matcher(t).matches()) {
                p.add(where + ": " + f + " must be a UTC timestamp with millisecond precision, got " + t);
            }
        }
        if (text(o, "created") != null && text(o, "modified") != null && MILLIS.matcher(text(o, "created")).matches()
                && MILLIS.matcher(text(o, "modified")).matches()
                && Instant.parse(text(o, "modified")).isBefore(Instant.parse(text(o, "created")))) {
            p.add(where + ": modified is before created");
        }
        for (String f : REQUIRED.get(type)) {
            if (!o.hasNonNull(f)) {
                p.add(where + ": " + type + " requires " + f);
            }
        }
        Set<String> allowed = new java.util.HashSet<>(COMMON);
        allowed.addAll(specific);
        known(p, where, o, allowed);
        switch (type) {
            case "identity":
                vocab(p, where, o, "identity_class", IDENTITY_CLASS, false);
                break;
            case "indicator":
                indicator(p, where, o);
                break;
            case "relationship":
                if (text(o, "relationship_type") == null || !text(o, "relationship_type").matches("[a-z0-9-]+")) {
                    p.add(where + ": relationship_type must be lower-case words joined by '-'");
                }
                ref(p, where, text(o, "source_ref"), null, types, "source_ref");
                ref(p, where, text(o, "target_ref"), null, types, "target_ref");
                break;
            case "report":
                vocab(p, where, o, "report_types", REPORT_TYPE, true);
                timestamp(p, where, o, "published");
                if (o.has("object_refs") && (!o.get("object_refs").isArray() || o.get("object_refs").isEmpty())) {
                    p.add(where + ": object_refs must be a non-empty list");
                } else if (o.has("object_refs")) {
                    refs(p, where, o.get("object_refs"), null, types, "object_refs");
                }
                break;
            default:
                break;
        }
    }

    private static void marking(List<String> p, String where, JsonNode o) {
        known(p, where, o, Set.of("type", "spec_version", "id", "created", "created_by_ref", "name", "definition_type", "definition",
                "extensions", "external_references", "object_marking_refs", "granular_markings"));
        if (!"2.1".equals(text(o, "spec_version"))) {
            p.add(where + ": spec_version must be '2.1'");
        }
        if (o.has("modified")) {
            p.add(where + ": a marking definition cannot be versioned (no modified)");
        }
        timestamp(p, where, o, "created");
        String tlp = TLP_2.get(text(o, "id"));
        if (tlp == null) {
            p.add(where + ": not one of TLP 2.0's published marking definitions");
            return;
        }
        JsonNode ext = o.path("extensions").path(Tlp.STIX_EXTENSION);
        if (!"property-extension".equals(text(ext, "extension_type")) || !tlp.equals(text(ext, "tlp_2_0"))) {
            p.add(where + ": the TLP 2.0 extension must say extension_type property-extension and tlp_2_0 '" + tlp + "'");
        }
        if (!("TLP:" + tlp.toUpperCase(java.util.Locale.ROOT)).equals(text(o, "name"))) {
            p.add(where + ": name must be TLP:" + tlp.toUpperCase(java.util.Locale.ROOT));
        }
        if (!"2022-10-01T00:00:00.000Z".equals(text(o, "created"))) {
            p.add(where + ": TLP 2.0 definitions were created 2022-10-01T00:00:00.000Z");
        }
    }

    private static void indicator(List<String> p, String where, JsonNode o) {
        vocab(p, where, o, "indicator_types", INDICATOR_TYPE, true);
        timestamp(p, where, o, "valid_from");
        if (o.has("valid_until")) {
            timestamp(p, where, o, "valid_until");
            if (TIMESTAMP.matcher(String.valueOf(text(o, "valid_until"))).matches() && TIMESTAMP.matcher(String.valueOf(text(o, "valid_from"))).matches()
                    && !Instant.parse(text(o, "valid_until")).isAfter(Instant.parse(text(o, "valid_from")))) {
                p.add(where + ": valid_until must be later than valid_from");
            }
        }
        if (!"stix".equals(text(o, "pattern_type"))) {
            return; // other pattern languages are theirs to check
        }
        String pattern = text(o, "pattern");
        String problem = pattern == null ? "missing" : patternProblem(pattern);
        if (problem != null) {
            p.add(where + ": pattern " + problem);
        }
    }

    /** Null when {@code pattern} is one observation of comparisons joined by AND/OR; else what is wrong. */
    static String patternProblem(String pattern) {
        if (!pattern.startsWith("[") || !pattern.endsWith("]")) {
            return "must be an observation expression in [ ]: " + pattern;
        }
        String body = pattern.substring(1, pattern.length() - 1).trim();
        java.util.regex.Matcher m = COMPARISON.matcher(body);
        int at = 0;
        while (true) {
            m.region(at, body.length());
            if (!m.lookingAt()) {
                return "has no valid comparison at '" + body.substring(at) + "'";
            }
            String type = m.group(1);
            String op = m.group(4);
            String literal = m.group(6);
            if (("ISSUBSET".equals(op) || "ISSUPERSET".equals(op)) && literal == null) {
                return op + " takes a quoted network";
            }
            if (literal != null && "value".equals(m.group(2)) && (type.equals("ipv4-addr") || type.equals("ipv6-addr"))) {
                String v = literal.replace("\\'", "'").replace("\\\\", "\\");
                Pattern shape = type.equals("ipv4-addr") ? IPV4_CIDR : IPV6_CIDR;
                if (!shape.matcher(v).matches()) {
                    return "compares " + type + " with '" + v + "', which is not an address or network of that family";
                }
            }
            at = m.end();
            if (at == body.length()) {
                return null;
            }
            String rest = body.substring(at);
            if (rest.startsWith(" AND ")) {
                at += 5;
            } else if (rest.startsWith(" OR ")) {
                at += 4;
            } else {
                return "has text after a comparison: '" + rest + "'";
            }
        }
    }

    private static void id(List<String> p, String where, JsonNode o, String type) {
        String id = text(o, "id");
        java.util.regex.Matcher m = id == null ? null : ID.matcher(id);
        if (m == null || !m.matches()) {
            p.add(where + ": id must be TYPE--UUID, got " + id);
        } else if (!m.group(1).equals(type)) {
            p.add(where + ": id's type part must be '" + type + "'");
        }
    }

    private static void ref(List<String> p, String where, String ref, String type, Map<String, String> types, String field) {
        if (ref == null || !ID.matcher(ref).matches()) {
            p.add(where + ": " + field + " must be an identifier, got " + ref);
            return;
        }
        if (!types.containsKey(ref)) {
            p.add(where + ": " + field + " " + ref + " is not in the bundle");
        } else if (type != null && !type.equals(types.get(ref))) {
            p.add(where + ": " + field + " must refer to a " + type + ", not a " + types.get(ref));
        }
    }

    private static void refs(List<String> p, String where, JsonNode list, String type, Map<String, String> types, String field) {
        if (!list.isArray() || list.isEmpty()) {
            p.add(where + ": " + field + " must be a non-empty list");
            return;
        }
        for (JsonNode r : list) {
            ref(p, where, r.isTextual() ? r.asText() : null, type, types, field);
        }
    }

    private static void vocab(List<String> p, String where, JsonNode o, String field, Set<String> vocab, boolean list) {
        JsonNode v = o.get(field);
        if (v == null) {
            return;
        }
        List<JsonNode> values = new ArrayList<>();
        if (list) {
            if (!v.isArray() || v.isEmpty()) {
                p.add(where + ": " + field + " must be a non-empty list");
                return;
            }
            v.forEach(values::add);
        } else {
            values.add(v);
        }
        for (JsonNode x : values) {
            if (!x.isTextual() || !vocab.contains(x.asText())) {
                // open vocabularies allow other values, but Rampart only means the suggested ones
                p.add(where + ": " + field + " value " + x + " is not in the specification's vocabulary");
            }
        }
    }

    private static void timestamp(List<String> p, String where, JsonNode o, String field) {
        String t = text(o, field);
        if (t == null || !TIMESTAMP.matcher(t).matches()) {
            p.add(where + ": " + field + " must be an RFC 3339 UTC timestamp, got " + t);
        }
    }

    private static void known(List<String> p, String where, JsonNode o, Set<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f) && !f.startsWith("x_")) {
                p.add(where + ": property '" + f + "' is not defined for " + text(o, "type") + " (custom properties start with x_)");
            }
        }
    }

    private static String text(JsonNode o, String f) {
        JsonNode v = o == null ? null : o.get(f);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
