package io.rampart.lab.score;

import java.util.List;
import java.util.Map;

/** A whole `lab run` of one scenario: context, one score per target, and warnings. */
public record ScenarioResult(
        String scenario,
        String summary,
        double durationSeconds,
        int windowFrom,
        int windowTo,
        String date,
        String version,
        Map<String, String> machine,
        Map<String, Object> origin,
        Map<String, Object> policy,
        Map<String, Object> criteria,
        List<TargetScore> targets,
        List<String> warnings) {
}
