package io.rampart.lab.scenario;

import java.time.Duration;

/** Durations as people write them in scenario files and on the command line: {@code 500ms}, {@code 40s}, {@code 2m}. */
public final class LabDurations {
    private LabDurations() {
    }

    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        String number = s.substring(0, i);
        String unit = s.substring(i);
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 40s or 2m");
        }
        long nanos;
        switch (unit) {
            case "ms": nanos = Math.round(value * 1e6); break;
            case "s": nanos = Math.round(value * 1e9); break;
            case "m": nanos = Math.round(value * 60e9); break;
            default: throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 40s or 2m (units: ms, s, m)");
        }
        return Duration.ofNanos(nanos);
    }
}
