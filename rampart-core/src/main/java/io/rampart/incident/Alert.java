package io.rampart.incident;

import java.util.Locale;

/** One announcement of an incident: it opened, got worse, or closed. */
public record Alert(Kind kind, IncidentRecord incident, String why) {
    public enum Kind {
        OPENED, ESCALATED, CLOSED,
        /** The report, sent to the national CERT by an operator. */
        REPORT,
        /** The report again, when an incident already reported closes. */
        UPDATE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** How a delivery of this kind is named in the timeline and logs. */
        public String label() {
            return this == REPORT ? "CERT report" : this == UPDATE ? "CERT update" : id() + " alert";
        }
    }

    /** A one-line subject: {@code [Rampart] incident campaign-20261123-081200 opened on campaign}. */
    public String subject() {
        return "[Rampart] incident " + incident.id() + " " + kind.id() + " on " + incident.site();
    }

    /** A few lines of plain text: what, since when, how big, what was done, why this alert. */
    public String text() {
        IncidentRecord r = incident;
        StringBuilder sb = new StringBuilder();
        sb.append("Incident ").append(r.id()).append(" on site ").append(r.site()).append(" ").append(kind.id())
                .append(": ").append(why).append('\n');
        sb.append("Opened ").append(r.openedAt()).append(" by ").append(r.openedBy());
        if (r.closedAt() != null) {
            sb.append(", closed ").append(r.closedAt());
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "Requests %d, peak %.0f/s, refused %d (%.1f%% kept off the origin)%n",
                r.profile().requests(), r.profile().peakRequestsPerSecond(), r.mitigation().refused(),
                r.mitigation().shareKeptOffOrigin() * 100));
        if (!r.vectors().isEmpty()) {
            sb.append("Vectors: ").append(String.join(", ", r.vectors())).append('\n');
        }
        sb.append("Known users: ").append(r.impact().summary()).append('\n');
        if (kind == Kind.CLOSED) {
            sb.append("Data egress: ").append(r.egress().statement()).append('\n');
            sb.append("Report: rampart report ").append(r.id()).append(" --format html\n");
        }
        return sb.toString();
    }
}
