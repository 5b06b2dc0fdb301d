package io.rampart.lab.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads scenario files strictly: unknown or duplicate keys, bad durations and impossible phases are
 * errors that name the file, the field and the line. The built-in scenarios sit on the classpath
 * under {@code scenarios/}, listed in {@code scenarios/INDEX}.
 */
public final class ScenarioLoader {
    private static final Set<String> METHODS = Set.of("GET", "POST");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .registerModule(new SimpleModule()
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(Group.Range.class, new RangeDeserializer()));

    private ScenarioLoader() {
    }

    /** Names of the built-in scenarios, in the order of {@code scenarios/INDEX}. */
    public static List<String> builtInNames() {
        try (InputStream in = resource("INDEX")) {
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.trim());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A built-in scenario by name, or a scenario file when {@code nameOrPath} ends in .yml/.yaml. */
    public static Scenario load(String nameOrPath) {
        if (nameOrPath.endsWith(".yml") || nameOrPath.endsWith(".yaml")) {
            Path file = Path.of(nameOrPath);
            try {
                return parse(Files.readString(file), file.toString());
            } catch (IOException e) {
                throw new ScenarioException(nameOrPath + ": cannot read: " + e.getMessage());
            }
        }
        if (!nameOrPath.matches("[a-z0-9-]+") || ScenarioLoader.class.getClassLoader().getResource("scenarios/" + nameOrPath + ".yml") == null) {
            throw new ScenarioException("no scenario named '" + nameOrPath + "'; `rampart lab list` shows them, or pass a .yml file");
        }
        try (InputStream in = resource(nameOrPath + ".yml")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "scenarios/" + nameOrPath + ".yml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates one scenario; {@code source} names it in error messages. */
    public static Scenario parse(String yaml, String source) {
        if (yaml.isBlank()) {
            throw new ScenarioException(source + ": empty file");
        }
        Scenario s;
        try {
            s = YAML.readValue(yaml, Scenario.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ScenarioException(source + ": line " + keyLine(yaml, e.getPropertyName(), e.getLocation().getLineNr())
                    + ": unknown field '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new ScenarioException(source + ": " + where + e.getOriginalMessage());
        }
        if (s == null) {
            throw new ScenarioException(source + ": empty file");
        }
        validate(s, source);
        return s;
    }

    /**
     * The line of {@code key}: the parser reports where it was when it noticed, which can be past
     * the key, so the key is the nearest line at or above that which names it.
     */
    private static int keyLine(String yaml, String key, int reported) {
        String[] lines = yaml.split("\n", -1);
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(^|[\\s{,-])" + java.util.regex.Pattern.quote(key) + "\\s*:");
        for (int i = Math.min(reported, lines.length) - 1; i >= 0; i--) {
            if (p.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return reported;
    }

    private static void validate(Scenario s, String source) {
        List<String> errors = new ArrayList<>();
        if (s.name() == null || !s.name().matches("[a-z0-9][a-z0-9-]*")) {
            errors.add("name: required, lower-case letters, digits and '-'");
        }
        if (s.duration() == null || s.duration().toMillis() < 1000) {
            errors.add("duration: required, at least 1s");
        }
        if (s.legit().isEmpty()) {
            errors.add("legit: at least one legitimate group is needed (the score is about them)");
        }
        check(s.legit(), "legit", true, s, errors);
        check(s.attacks(), "attacks", false, s, errors);
        Criteria c = s.success();
        if (c.legitOkMin() != null && (c.legitOkMin() < 0 || c.legitOkMin() > 1)) {
            errors.add("success.legitOkMin: a share between 0 and 1");
        }
        if (c.attackToOriginMaxShare() != null && (c.attackToOriginMaxShare() < 0 || c.attackToOriginMaxShare() > 1)) {
            errors.add("success.attackToOriginMaxShare: a share between 0 and 1");
        }
        checkRatio("legitP99MaxRatio", c.legitP99MaxRatio(), errors);
        checkRatio("knownP99MaxRatio", c.knownP99MaxRatio(), errors);
        if (!errors.isEmpty()) {
            throw new ScenarioException(source + ": " + String.join("; ", errors));
        }
    }

    /** A p99 bound relative to the p99 before the attack: below 1 no target could ever meet it. */
    private static void checkRatio(String name, Double ratio, List<String> errors) {
        if (ratio != null && !(ratio >= 1)) {
            errors.add("success." + name + ": a ratio of 1 or more (the p99 during the attack over the p99 before it)");
        }
    }

    private static void check(List<Group> groups, String field, boolean legit, Scenario s, List<String> errors) {
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            String at = field + "[" + i + "]";
            Persona p;
            try {
                p = g.kind();
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(at + ".persona: " + (g.persona() == null ? "required; one of " + Persona.names() : e.getMessage()));
                continue;
            }
            if (p.kind().legitimate() != legit) {
                errors.add(at + ".persona: '" + p.label() + "' belongs in " + (legit ? "attacks" : "legit"));
            }
            if (g.clientCount() < 1 || g.clientCount() > 50_000) {
                errors.add(at + ".clients: between 1 and 50000");
            }
            if (g.rate() != null && (g.rate() <= 0 || g.rate() > 10_000)) {
                errors.add(at + ".rate: above 0 and at most 10000 requests/s per source");
            }
            if (g.connections() != null && (g.connections() < 1 || g.connections() > 256)) {
                errors.add(at + ".connections: between 1 and 256 per source");
            }
            if (g.method() != null && !METHODS.contains(g.method())) {
                errors.add(at + ".method: GET or POST");
            }
            if (g.userAgent() != null && !g.userAgent().equals("fixed") && !g.userAgent().equals("rotate")) {
                errors.add(at + ".userAgent: fixed or rotate");
            }
            if (g.path() != null && !g.path().startsWith("/")) {
                errors.add(at + ".path: must start with /");
            }
            if (g.headers() != null && !g.headers().equals("plain") && !g.headers().equals("browser")) {
                errors.add(at + ".headers: plain or browser");
            }
            if (g.headers() != null && p != Persona.FLOODER) {
                errors.add(at + ".headers: only for flooders (the other personas send their own)");
            }
            if (g.solves() != null && p != Persona.FLOODER) {
                errors.add(at + ".solves: only for flooders (visitors always solve, the others never do)");
            }
            if (g.behind() != null && (!legit || g.behind() < 1 || g.behind() > g.clientCount())) {
                errors.add(at + ".behind: legitimate groups only, between 1 and the group's clients");
            }
            if (g.perPrefix() != null && (g.perPrefix() < 1 || g.perPrefix() > 250)) {
                errors.add(at + ".perPrefix: between 1 and 250");
            }
            if (g.pulse() != null && (g.pulse().on() == null || g.pulse().off() == null || g.pulse().on().isZero())) {
                errors.add(at + ".pulse: needs on and off, on above zero");
            }
            if (g.think() != null && (g.think().min().compareTo(g.think().max()) > 0)) {
                errors.add(at + ".think: min above max");
            }
            if (s.duration() != null && g.startOr().compareTo(s.duration()) >= 0) {
                errors.add(at + ".start: " + g.startOr().toMillis() / 1000.0 + "s is not before the end of the run");
            }
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream("scenarios/" + name);
        if (in == null) {
            throw new IOException("built-in scenario file scenarios/" + name + " is missing from the classpath");
        }
        return in;
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
                return LabDurations.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(p.getText(), Duration.class, e.getMessage());
            }
        }
    }

    private static final class RangeDeserializer extends JsonDeserializer<Group.Range> {
        @Override
        public Group.Range deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            String[] parts = text == null ? new String[0] : text.split("\\.\\.", -1);
            try {
                if (parts.length == 1) {
                    Duration d = LabDurations.parse(parts[0]);
                    return new Group.Range(d, d);
                }
                if (parts.length == 2) {
                    return new Group.Range(LabDurations.parse(parts[0]), LabDurations.parse(parts[1]));
                }
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(text, Group.Range.class, e.getMessage());
            }
            throw ctxt.weirdStringException(text, Group.Range.class, "expected a range such as 2s..6s");
        }
    }
}
