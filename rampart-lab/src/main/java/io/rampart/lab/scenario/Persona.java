package io.rampart.lab.scenario;

import io.rampart.lab.Kind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The simulated behaviours a scenario can ask for, by their name in scenario files. */
public enum Persona {
    VISITOR("visitor", Kind.VISITOR),
    STAFF("staff", Kind.STAFF),
    OFFICE("office", Kind.OFFICE),
    FEED("feed", Kind.FEED),
    API("api", Kind.API),
    FLOODER("flooder", Kind.FLOODER),
    SLOWLORIS("slowloris", Kind.SLOW),
    SLOW_POST("slow-post", Kind.SLOW),
    SLOW_READ("slow-read", Kind.SLOW);

    private final String label;
    private final Kind kind;

    Persona(String label, Kind kind) {
        this.label = label;
        this.kind = kind;
    }

    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    public static Persona of(String label) {
        for (Persona p : values()) {
            if (p.label.equals(label.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown persona '" + label + "'; expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Persona::label).collect(Collectors.joining(", "));
    }
}
