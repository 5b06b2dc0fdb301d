package io.rampart.lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A reproducible attack drill: the legitimate population, the attack, and what counts as success.
 * Loaded from YAML by {@link ScenarioLoader}.
 */
public record Scenario(String name, String summary, Duration duration, List<Group> legit, List<Group> attacks,
                       Criteria success, Boolean coldStart) {

    /** A scenario played against a warmed-up target. */
    public Scenario(String name, String summary, Duration duration, List<Group> legit, List<Group> attacks, Criteria success) {
        this(name, summary, duration, legit, attacks, success, null);
    }

    /** Whether the target meets the scenario cold: no warm-up before it (an organisation putting Rampart in front during an attack). */
    public boolean cold() {
        return coldStart != null && coldStart;
    }

    public Scenario {
        legit = legit == null ? List.of() : List.copyOf(legit);
        attacks = attacks == null ? List.of() : List.copyOf(attacks);
        success = success == null ? Criteria.NONE : success;
    }

    public List<Group> groups() {
        List<Group> all = new ArrayList<>(legit);
        all.addAll(attacks);
        return all;
    }

    /**
     * The event window in whole seconds [from, to): from the first attack's onset to the last
     * attack's end; without attackers, the span of legitimate groups that start late (a flash
     * crowd); otherwise the whole run.
     */
    public int[] window() {
        List<Group> phases = attacks.isEmpty()
                ? legit.stream().filter(g -> g.startOr().compareTo(Duration.ZERO) > 0).toList()
                : attacks;
        if (phases.isEmpty()) {
            return new int[] {0, seconds()};
        }
        long from = phases.stream().mapToLong(g -> g.startOr().toMillis()).min().orElse(0);
        long to = phases.stream().mapToLong(g -> g.end(duration).toMillis()).max().orElse(duration.toMillis());
        return new int[] {(int) (from / 1000), (int) Math.max(from / 1000 + 1, (to + 999) / 1000)};
    }

    public boolean hasAttack() {
        return !attacks.isEmpty();
    }

    public int seconds() {
        return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    /** The scenario stretched or shrunk to {@code newLength}, phases in proportion. */
    public Scenario withDuration(Duration newLength) {
        double f = (double) newLength.toNanos() / duration.toNanos();
        return new Scenario(name, summary, newLength, legit.stream().map(g -> g.scaled(f)).toList(),
                attacks.stream().map(g -> g.scaled(f)).toList(), success, coldStart);
    }
}
