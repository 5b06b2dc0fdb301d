package io.rampart.mitigate;

import io.rampart.traffic.Dimension;
import io.rampart.traffic.RequestFeatures;
import java.util.Arrays;
import java.util.List;

/**
 * One term of a rule: a dimension and the values it must take ({@code path = /search}, or
 * {@code network in {198.51.100.0/24, ...}}). Values are keyed feature hashes, sorted; the texts
 * are for people.
 */
public final class Condition {
    private final Dimension dimension;
    private final int index;
    private final long[] values;
    private final List<String> texts;

    public Condition(Dimension dimension, long[] values, List<String> texts) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a condition needs at least one value");
        }
        this.dimension = dimension;
        this.index = dimension.ordinal();
        this.values = values.clone();
        Arrays.sort(this.values);
        this.texts = List.copyOf(texts);
    }

    public static Condition of(Dimension d, long value, String text) {
        return new Condition(d, new long[] {value}, List.of(text));
    }

    /** Whether {@code f} has one of this condition's values. Allocation-free. */
    public boolean matches(RequestFeatures f) {
        return contains(f.value(index));
    }

    /** Whether {@code value} (a feature hash along this dimension) is one of this condition's values. */
    public boolean contains(long value) {
        long[] v = values;
        if (v.length == 1) {
            return v[0] == value;
        }
        return Arrays.binarySearch(v, value) >= 0;
    }

    public Dimension dimension() {
        return dimension;
    }

    public long[] values() {
        return values.clone();
    }

    public List<String> texts() {
        return texts;
    }

    /** Conditions joined with AND, as shown to operators ({@code fingerprint=… AND path=/search}). */
    public static String describeAll(List<Condition> conditions) {
        StringBuilder sb = new StringBuilder();
        for (Condition c : conditions) {
            sb.append(sb.length() == 0 ? "" : " AND ").append(c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        if (texts.size() == 1) {
            return dimension.id() + "=" + texts.get(0);
        }
        int shown = Math.min(3, texts.size());
        return dimension.id() + " in {" + String.join(", ", texts.subList(0, shown))
                + (texts.size() > shown ? ", +" + (texts.size() - shown) + " more" : "") + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition && ((Condition) o).dimension == dimension && Arrays.equals(((Condition) o).values, values);
    }

    @Override
    public int hashCode() {
        return dimension.hashCode() * 31 + Arrays.hashCode(values);
    }
}
