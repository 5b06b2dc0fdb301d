package io.rampart.incident;

import java.util.List;

/**
 * The four charts of a report, drawn from the incident's series: requests per second by what
 * Rampart did with them, known users' origin response time and success against normal, and
 * distinct sources.
 */
final class ReportCharts {
    static final String SERVED = "#2e7d32";
    static final String REFUSED = "#c62828";
    static final String KNOWN = "#1565c0";
    static final String SOURCES = "#6a1b9a";

    private ReportCharts() {
    }

    static List<String> render(IncidentRecord r) {
        IncidentRecord.Series s = r.series();
        int n = s.size();
        double[] served = new double[n];
        double[] refused = new double[n];
        double[] latency = new double[n];
        double[] success = new double[n];
        double[] sources = new double[n];
        for (int i = 0; i < n; i++) {
            double sec = Math.max(s.millis()[i], 1) / 1000.0;
            served[i] = Math.max(0, s.requests()[i] - s.refused()[i]) / sec;
            refused[i] = s.refused()[i] / sec;
            latency[i] = s.knownAnswers()[i] == 0 ? Double.NaN : s.knownMicros()[i] / 1000.0 / s.knownAnswers()[i];
            success[i] = s.known()[i] == 0 ? Double.NaN : 100.0 * Math.max(0, s.known()[i] - s.knownFailed()[i]) / s.known()[i];
            sources[i] = s.sources()[i];
        }
        IncidentRecord.Impact impact = r.impact();
        return List.of(
                new SvgChart("chart-requests", "Requests per second", "req/s", s.at()).stacked()
                        .line("served", SERVED, served).line("refused", REFUSED, refused).render(),
                new SvgChart("chart-latency", "Known users: origin response time", "ms", s.at())
                        .whenEmpty("no known user reached the origin during the incident").line("during", KNOWN, latency).reference(impact.knownLatencyMsBefore(), "before").render(),
                new SvgChart("chart-success", "Known users: requests that succeeded", "%", s.at()).upTo(100)
                        .whenEmpty("no known user was seen during the incident").line("during", KNOWN, success)
                        .reference(impact.knownErrorRateBefore() == null ? null : 100 * (1 - impact.knownErrorRateBefore()), "before").render(),
                new SvgChart("chart-sources", "Distinct sources per tick", "sources", s.at())
                        .line("sources", SOURCES, sources).render());
    }
}
