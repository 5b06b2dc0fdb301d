package io.rampart.config;

import java.util.List;

/** A configuration that cannot be used, with every problem found in it. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final transient List<ConfigError> errors;

    public ConfigException(String source, List<ConfigError> errors) {
        super(render(source, errors));
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public String source() {
        return source;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(String source, List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(errors.size())
                .append(errors.size() == 1 ? " error" : " errors");
        for (ConfigError e : errors) {
            sb.append(System.lineSeparator()).append("  ").append(e);
        }
        return sb.toString();
    }
}
