package io.rampart.config;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads a YAML configuration into {@link RampartConfig} and validates it.
 *
 * <p>Strict on purpose: unknown keys, duplicate keys and values of the wrong type are errors that
 * name the path ({@code sites[1].upstreams[0]}) and the line, with a suggestion for likely typos.
 */
public final class ConfigLoader {
    private final ObjectMapper mapper;

    public ConfigLoader() {
        SimpleModule module = new SimpleModule("rampart-config");
        module.addDeserializer(Duration.class, new DurationDeserializer());
        module.addDeserializer(ByteSize.class, new ByteSizeDeserializer());
        mapper = new ObjectMapper(new YAMLFactory())
                .registerModule(module)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Reads and validates {@code file}. */
    public RampartConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigError("", "file not found")));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigError("", "cannot read: " + e.getMessage())));
        }
        return parse(text, file.toString());
    }

    /**
     * Parses and validates YAML text; {@code source} names it in errors. Every problem is reported
     * in one pass: unknown keys and values of the wrong kind ({@link ConfigShape}) are taken out,
     * the rest is bound and validated, and all the errors are thrown together. Text that is not
     * YAML at all, or has a key twice, is reported alone.
     */
    public RampartConfig parse(String yaml, String source) throws ConfigException {
        JsonNode tree;
        ConfigShape shape;
        try {
            tree = yaml.isBlank() ? null : mapper.readTree(yaml);
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                throw new ConfigException(source, List.of(new ConfigError("", "the file is empty; expected at least a 'sites' list")));
            }
            if (!tree.isObject()) {
                throw new ConfigException(source, List.of(new ConfigError("", "expected settings (key: value lines) at the top of the file, got "
                        + (tree.isArray() ? "a list" : "'" + tree.asText() + "'"))));
            }
            shape = ConfigShape.check(mapper, yaml, (ObjectNode) tree);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of(describe(e, yaml)));
        } catch (IOException e) {
            throw new ConfigException(source, List.of(new ConfigError("", "cannot read: " + e.getMessage())));
        }
        List<ConfigError> errors = new ArrayList<>(shape.errors);
        RampartConfig config = null;
        try {
            config = mapper.treeToValue(tree, RampartConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            if (errors.isEmpty()) {
                errors.add(e instanceof JsonProcessingException ? describe((JsonProcessingException) e, yaml) : new ConfigError("", e.getMessage()));
            }
        }
        if (config != null) {
            for (ConfigError e : new ConfigValidator().validate(config)) {
                if (shape.removed.stream().noneMatch(r -> e.path().equals(r) || e.path().startsWith(r + ".") || e.path().startsWith(r + "["))) {
                    errors.add(shape.withLine(e));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        return config;
    }

    /** Validates a configuration built in code (the {@code --upstream} form). */
    public static RampartConfig validated(RampartConfig config, String source) throws ConfigException {
        List<ConfigError> errors = new ConfigValidator().validate(config);
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        return config;
    }

    private static ConfigError describe(JsonProcessingException e, String yaml) {
        String where = location(e.getLocation());
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            where = keyLocation(yaml, u.getPropertyName(), e.getLocation());
            List<String> known = new ArrayList<>();
            Collection<Object> ids = u.getKnownPropertyIds();
            if (ids != null) {
                ids.forEach(id -> known.add(String.valueOf(id)));
            }
            known.sort(null);
            String suggestion = Suggestions.closest(u.getPropertyName(), known);
            return new ConfigError(path(u),
                    "unknown key '" + u.getPropertyName() + "'"
                            + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : "")
                            + "; expected one of: " + String.join(", ", known) + where);
        }
        if (e instanceof JsonMappingException) {
            JsonMappingException m = (JsonMappingException) e;
            Throwable root = m;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof org.yaml.snakeyaml.error.YAMLException) {
                return new ConfigError("", "not valid YAML: " + firstLine(root.getMessage()) + where);
            }
            String message = root instanceof IllegalArgumentException ? root.getMessage() : cleanMessage(m);
            return new ConfigError(path(m), message + where);
        }
        if (e instanceof StreamReadException) {
            return new ConfigError("", "not valid YAML: " + e.getOriginalMessage() + where);
        }
        return new ConfigError("", cleanMessage(e) + where);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    private static String cleanMessage(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            return "invalid value";
        }
        // Jackson names Java types; operators think in YAML
        msg = msg.replaceAll("`?java\\.lang\\.(Integer|Long)`?", "a whole number")
                .replaceAll("`?java\\.lang\\.Double`?", "a number")
                .replaceAll("`?java\\.lang\\.Boolean`?", "true or false")
                .replaceAll("`?java\\.lang\\.String`?", "a string")
                .replaceAll("`?java\\.util\\.List(<[^>]*>)?`?", "a list")
                .replaceAll("`?io\\.rampart\\.config\\.(\\w+)`?", "a mapping ($1)");
        int nl = msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : msg;
    }

    /**
     * Jackson reports where it stopped reading, which is after the unknown key's value; the key
     * itself is on the nearest line at or above that which starts with {@code key:}.
     */
    private static String keyLocation(String yaml, String key, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        String[] lines = yaml.split("\n", -1);
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "^\\s*(-\\s+)?['\"]?" + java.util.regex.Pattern.quote(key) + "['\"]?\\s*:.*");
        for (int i = Math.min(loc.getLineNr(), lines.length) - 1; i >= 0; i--) {
            if (p.matcher(lines[i]).matches()) {
                return " (line " + (i + 1) + ")";
            }
        }
        return location(loc);
    }

    private static String location(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** {@code sites[1].upstreams[0]} from Jackson's reference chain. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw new IllegalArgumentException("expected a duration such as 250ms, 10s, 5m or 1h");
            }
            return Durations.parse(p.getText());
        }
    }

    private static final class ByteSizeDeserializer extends JsonDeserializer<ByteSize> {
        @Override
        public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw new IllegalArgumentException("expected a size such as 512, 16KB, 10MB or 1GB");
            }
            return ByteSize.parse(p.getText());
        }
    }
}
