package io.rampart.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a parsed configuration against the shape of the model ({@link RampartConfig} and the
 * records it holds) before anything is bound, so that every unknown key and every value of the
 * wrong kind is reported in one pass, in the operator's words ("expected a whole number, got
 * 'many'"), each with its path and line. What is wrong is taken out of the tree, so that the rest
 * can still be bound and validated and its errors reported in the same pass.
 *
 * <p>A single value where a list is expected is taken as a list of one ({@code upstreams: http://…}).
 */
final class ConfigShape {
    private final ObjectMapper mapper;
    private final Map<String, Integer> lines;
    final List<ConfigError> errors = new ArrayList<>();
    /** Paths whose value was wrong or unknown: errors the validator finds under them are its echoes. */
    final List<String> removed = new ArrayList<>();

    private ConfigShape(ObjectMapper mapper, Map<String, Integer> lines) {
        this.mapper = mapper;
        this.lines = lines;
    }

    /**
     * Checks {@code root} (read from {@code yaml}) and takes out what does not fit.
     *
     * @throws IOException when the text is not YAML at all (the caller reports that alone)
     */
    static ConfigShape check(ObjectMapper mapper, String yaml, ObjectNode root) throws IOException {
        ConfigShape s = new ConfigShape(mapper, lineIndex(mapper, yaml));
        s.record(root, RampartConfig.class, "");
        return s;
    }

    private void record(ObjectNode node, Class<?> type, String path) {
        Map<String, RecordComponent> components = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            components.put(c.getName(), c);
        }
        List<String> known = new ArrayList<>(components.keySet());
        known.sort(null);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = join(path, field.getKey());
            RecordComponent c = components.get(field.getKey());
            if (c == null) {
                String near = Suggestions.closest(field.getKey(), known);
                error(at, "unknown key '" + field.getKey() + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                        + "; expected one of: " + String.join(", ", known));
                if (near != null) {
                    removed.add(join(path, near)); // what the validator says of the key meant ("missing") is this error's echo
                }
                it.remove();
            } else if (!fits(field, c.getGenericType(), at)) {
                it.remove();
            }
        }
    }

    /** Whether {@code field}'s value fits {@code type}; reports and returns false when it does not. */
    private boolean fits(Map.Entry<String, JsonNode> field, Type type, String at) {
        JsonNode v = field.getValue();
        if (v.isNull()) {
            return true; // the default
        }
        ConfigKind kind = ConfigKind.of(type);
        switch (kind) {
            case RECORD:
                if (!v.isObject()) {
                    return wrong(at, "a mapping (" + ConfigKind.raw(type).getSimpleName().replace("Config", "") + " settings)", v);
                }
                record((ObjectNode) v, ConfigKind.raw(type), at);
                return true;
            case LIST: {
                if (!v.isArray()) {
                    ArrayNode one = mapper.createArrayNode().add(v);
                    field.setValue(one);
                    v = one;
                }
                ArrayNode list = (ArrayNode) v;
                List<Integer> wrong = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Map.Entry<String, JsonNode> slot = new java.util.AbstractMap.SimpleEntry<>("", list.get(i));
                    if (fits(slot, ConfigKind.contents(type), at + "[" + i + "]")) {
                        list.set(i, slot.getValue());
                    } else {
                        wrong.add(i);
                    }
                }
                for (int i = wrong.size() - 1; i >= 0; i--) {
                    list.remove((int) wrong.get(i)); // the rest of the list is still bound and checked
                }
                return true;
            }
            case MAP: {
                if (!v.isObject()) {
                    return wrong(at, "a mapping", v);
                }
                boolean ok = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    ok &= fits(e, ConfigKind.contents(type), join(at, e.getKey()));
                }
                return ok;
            }
            case WHOLE_NUMBER:
                return v.isIntegralNumber() || v.isTextual() && v.asText().matches("-?\\d{1,18}") || wrong(at, "a whole number", v);
            case NUMBER:
                return v.isNumber() || v.isTextual() && v.asText().matches("-?\\d+(\\.\\d+)?") || wrong(at, "a number", v);
            case BOOLEAN:
                return v.isBoolean() || v.isTextual() && v.asText().matches("true|false") || wrong(at, "true or false", v);
            case TEXT:
                return v.isValueNode() || wrong(at, "a single value", v);
            default:
                break; // durations, sizes, enums: their own deserializers say what is wrong
        }
        try {
            mapper.readerFor(mapper.constructType(type)).readValue(v);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root instanceof IllegalArgumentException ? root.getMessage() : "not a valid value";
            error(at, message.contains("got ") ? message : message + ", got " + shown(v));
            return false;
        }
    }

    /**
     * {@code e} with the line of its path, or of the nearest enclosing one the file has (a missing
     * key: the line of the mapping that lacks it), unless the message has a line already.
     */
    ConfigError withLine(ConfigError e) {
        String at = e.path();
        Integer line = lines.get(at);
        while (line == null && at.length() > 0) {
            int cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
            at = cut < 0 ? "" : at.substring(0, cut);
            line = lines.get(at);
        }
        return line == null || e.message().contains("(line ") ? e : new ConfigError(e.path(), e.message() + " (line " + line + ")");
    }

    private boolean wrong(String at, String expected, JsonNode v) {
        error(at, "expected " + expected + ", got " + shown(v));
        return false;
    }

    private static String shown(JsonNode v) {
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        String text = v.asText();
        return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
    }

    private void error(String at, String message) {
        Integer line = lines.get(at);
        errors.add(new ConfigError(at, message + (line == null ? "" : " (line " + line + ")")));
        removed.add(at);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The line of every key and list item, by the same paths the errors use. */
    private static Map<String, Integer> lineIndex(ObjectMapper mapper, String yaml) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(yaml)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                index(p, "", out);
            }
        }
        return out;
    }

    /** With the parser on a START_OBJECT or START_ARRAY: records its children's lines. */
    private static void index(JsonParser p, String path, Map<String, Integer> out) throws IOException {
        boolean object = p.currentToken() == JsonToken.START_OBJECT;
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
            String at;
            if (object) {
                at = join(path, p.currentName());
                out.putIfAbsent(at, p.currentTokenLocation().getLineNr());
                t = p.nextToken();
            } else {
                at = path + "[" + i++ + "]";
                out.putIfAbsent(at, p.currentTokenLocation().getLineNr());
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                index(p, at, out);
            }
        }
    }
}
