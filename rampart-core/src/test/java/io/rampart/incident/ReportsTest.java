package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T20:00:00Z");
    private static final Pattern STIX_ID = Pattern.compile("[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    @Test
    void markdown_startsWithTheSummary_thenTimelineFiguresSourcesActionsImpactEgressAndIndicators() {
        String md = Reports.render(Samples.closed("campaign-20261120-190001", false), "md", NOW);
        assertThat(md).startsWith("**TLP:AMBER**\n\n# Incident report campaign-20261120-190001").endsWith("**TLP:AMBER**\n");
        int summary = md.indexOf("## Summary");
        assertThat(summary).isPositive();
        assertThat(md.indexOf("## Timeline")).isGreaterThan(summary);
        assertThat(md).contains("Site campaign was under a denial-of-service attack from 2026-11-20 19:00:01 UTC to 2026-11-20 19:10:01 UTC (10 min 00 s)")
                .contains("109,300 requests arrived").contains("89.0% kept off the origin").contains("effective 1.0 s after the attack began")
                .contains("| block | 88,000 |").contains("## Impact on known users").contains("Data egress: no sign of data leaving")
                .contains("network 100.64.0.0/24").contains("--format stix")
                .contains("**Autonomous systems**").contains("| AS64501 | 9,000 |").contains("**Countries**").contains("| ZZ | 79,000 |");
        assertThat(md).as("a | in a value cannot break the table").contains("\\|");
    }

    @Test
    void html_isOnePrintablePage_andEscapesEverythingTheAttackerControls() {
        String html = Reports.render(Samples.closed("campaign-1", true), "html", NOW);
        assertThat(html).startsWith("<!doctype html>").contains("@media print").contains("id=\"summary\"").contains("id=\"egress\"");
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("<h3>Autonomous systems</h3>").contains("AS64500 &lt;b&gt;Bulletproof&lt;/b&gt; Hosting");
        assertThat(html).contains("/export/members.csv").contains("5.0 MB").contains("summary warn");
    }

    @Test
    void json_holdsTheRecordTheSummaryAndAStixBundle() throws Exception {
        JsonNode j = IncidentJson.MAPPER.readTree(Reports.render(Samples.closed("campaign-1", false), "json", NOW));
        assertThat(j.get("summary").asText()).startsWith("Site campaign was under");
        assertThat(j.at("/incident/id").asText()).isEqualTo("campaign-1");
        assertThat(j.at("/incident/openedAt").asText()).isEqualTo("2026-11-20T19:00:01.250Z");
        assertThat(j.at("/stix/type").asText()).isEqualTo("bundle");
        IncidentRecord back = IncidentJson.MAPPER.treeToValue(j.get("incident"), IncidentRecord.class);
        assertThat(back).isEqualTo(Samples.closed("campaign-1", false));
    }

    @Test
    void stixBundle_isWellFormed21_withIndicatorsForNetworksAndUserAgents_andStableIds() throws Exception {
        String text = Reports.render(Samples.closed("campaign-1", false), "stix", NOW);
        JsonNode b = IncidentJson.MAPPER.readTree(text);
        assertThat(b.get("type").asText()).isEqualTo("bundle");
        assertThat(b.get("id").asText()).matches(STIX_ID);
        Set<String> ids = new HashSet<>();
        int indicators = 0;
        List<String> autonomousSystems = new ArrayList<>();
        for (JsonNode o : b.get("objects")) {
            assertThat(o.get("spec_version").asText()).isEqualTo("2.1");
            assertThat(o.get("id").asText()).matches(STIX_ID).startsWith(o.get("type").asText() + "--");
            ids.add(o.get("id").asText());
            if ("autonomous-system".equals(o.get("type").asText()) || "marking-definition".equals(o.get("type").asText())) {
                if (o.has("number")) {
                    autonomousSystems.add(o.get("number").asLong() + (o.has("name") ? " " + o.get("name").asText() : ""));
                }
                continue; // a cyber-observable or a marking: no modified
            }
            assertThat(o.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            if ("indicator".equals(o.get("type").asText())) {
                indicators++;
                assertThat(o.get("pattern_type").asText()).isEqualTo("stix");
                assertThat(o.has("valid_from")).isTrue();
            }
        }
        assertThat(indicators).as("the network whose traffic was all refused and the hostile user agent; not the network real "
                + "visitors were served from, nor the browser they use").isEqualTo(2);
        assertThat(text).doesNotContain(Samples.MIXED_NETWORK);
        assertThat(text).doesNotContain("Chrome/130.0.0.0");
        assertThat(autonomousSystems).containsExactly("64500 <b>Bulletproof</b> Hosting", "64501");
        assertThat(text).contains("[ipv4-addr:value ISSUBSET '100.64.0.0/24']");
        assertThat(StixRules.problems(b)).isEmpty();
        assertThat(text).as("quotes and backslashes escaped in the pattern literal")
                .contains("request_header.'User-Agent' = '<script>alert(\\\\'x\\\\')</script> \\\"bot\\\" | \\\\\\\\ \\\\' '");
        for (JsonNode o : b.get("objects")) {
            if ("report".equals(o.get("type").asText())) {
                for (JsonNode ref : o.get("object_refs")) {
                    assertThat(ids).contains(ref.asText());
                }
            }
            if ("relationship".equals(o.get("type").asText())) {
                assertThat(ids).contains(o.get("source_ref").asText(), o.get("target_ref").asText());
            }
        }
        assertThat(Reports.render(Samples.closed("campaign-1", false), "stix", NOW)).as("same incident, same bundle").isEqualTo(text);
    }

    @Test
    void anUnknownFormat_isRefusedByName() {
        assertThatThrownBy(() -> Reports.render(Samples.closed("x", false), "pdf", NOW))
                .hasMessage("unknown format 'pdf': expected md, html, json or stix");
    }

    @Test
    void bytes_readForPeople() {
        assertThat(Reports.bytes(812)).isEqualTo("812 B");
        assertThat(Reports.bytes(5L << 20)).isEqualTo("5.0 MB");
    }
}
