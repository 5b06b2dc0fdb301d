package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.config.ReporterConfig;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A report as a national CERT receives it: marked, attributed, with charts and a validating bundle. */
class ReportForCertTest {
    private static final Instant NOW = Instant.parse("2026-11-20T20:00:00Z");
    private static final Reporter ACME = Reporter.of(new ReporterConfig("ACME Party HQ", "Duty officer +44 20 7946 0000",
            "soc@acme.example", "ACME-DDOS", "green"));

    @Test
    void html_isMarkedTopAndBottom_startsInPlainWords_namesTheReporter_andCarriesFourCharts() {
        String html = Reports.render(Samples.closed("campaign-1", false), "html", NOW, ACME);
        int first = html.indexOf("TLP:GREEN</span>");
        assertThat(first).as("the marking is the first thing on the page").isPositive().isLessThan(html.indexOf("<h1>"));
        assertThat(html.lastIndexOf("TLP:GREEN</span>")).as("and the last").isGreaterThan(html.indexOf("id=\"indicators\""));
        assertThat(html).contains("<title>TLP:GREEN Incident report ACME-DDOS-campaign-1</title>")
                .contains("color:#33FF00").contains("ACME Party HQ").contains("Duty officer +44 20 7946 0000, soc@acme.example");
        String plain = between(html, "<p class=\"plain\" id=\"plain\">", "</p>");
        assertThat(plain).startsWith("On 20 November 2026, from 19:00 UTC to 19:10 UTC (10 min 00 s), computers at about 1,950 different")
                .contains("denial-of-service attack").contains("turned away 89% of the requests (from 1 second after the attack began)")
                .contains("Regular visitors were barely affected: 99.95% of their requests succeeded")
                .contains("Nothing suggests that any data was taken");
        assertThat(html.indexOf("id=\"plain\"")).as("plain words before the tables").isLessThan(html.indexOf("id=\"header\""));
        for (String chart : new String[] {"chart-requests", "chart-latency", "chart-success", "chart-sources"}) {
            assertThat(html).contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + chart + "\"");
        }
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void theRequestsChart_drawsTheSeries_withThePeakWhereTheDataPutsIt() {
        IncidentRecord r = Samples.closed("campaign-1", false);
        String svg = ReportCharts.render(r).get(0);
        // the refused area's top: the highest point of the stack is the busiest point of the series
        Matcher d = Pattern.compile("<path fill=\"" + ReportCharts.REFUSED + "\"[^>]* d=\"([^\"]+)\"").matcher(svg);
        assertThat(d.find()).isTrue();
        double minY = Double.MAX_VALUE;
        double xAtMin = 0;
        for (String p : d.group(1).split("[MLZ]")) {
            if (p.isBlank()) {
                continue;
            }
            String[] xy = p.split(",");
            double y = Double.parseDouble(xy[1]);
            if (y < minY) {
                minY = y;
                xAtMin = Double.parseDouble(xy[0]);
            }
        }
        int busiest = 0;
        for (int i = 0; i < r.series().size(); i++) {
            if (r.series().requests()[i] > r.series().requests()[busiest]) {
                busiest = i;
            }
        }
        double expectedX = 56 + (double) (r.series().at()[busiest] - r.series().at()[0])
                / (r.series().at()[r.series().size() - 1] - r.series().at()[0]) * (SvgChart.WIDTH - 56 - 12);
        assertThat(xAtMin).isCloseTo(expectedX, org.assertj.core.data.Offset.offset(0.2));
        assertThat(minY).as("the peak reaches near the top of a 1-2-5 axis").isBetween(26.0, 26.0 + 0.6 * (SvgChart.HEIGHT - 50));
        assertThat(svg).contains("<desc>Requests per second from 19:00:11 to 19:10:01 UTC.");
    }

    @Test
    void chartsWithoutKnownUsers_sayWhy_andTheSuccessAxisIsAPercentage() {
        IncidentRecord r = Samples.closed("campaign-1", false);
        IncidentRecord.Series s = r.series();
        long[] none = new long[s.size()];
        IncidentRecord noKnown = r.withSeries(new IncidentRecord.Series(s.at(), s.millis(), s.requests(), s.refused(), none, none, none, none,
                s.sources()));
        List<String> charts = ReportCharts.render(noKnown);
        assertThat(charts.get(1)).contains("no known user reached the origin during the incident").doesNotContain("<path");
        assertThat(charts.get(2)).contains("no known user was seen during the incident");
        assertThat(ReportCharts.render(r).get(2)).as("0 to 100 whatever the data").contains(">100</text>");
    }

    @Test
    void markdownAndJson_carryTheMarkingAndTheReporter() throws Exception {
        String md = Reports.render(Samples.closed("campaign-1", false), "md", NOW, ACME);
        assertThat(md).startsWith("**TLP:GREEN**\n\n# Incident report ACME-DDOS-campaign-1\n\n## What happened\n\nOn 20 November 2026")
                .contains("| Reporting organisation | ACME Party HQ |").endsWith("**TLP:GREEN**\n");
        JsonNode j = IncidentJson.MAPPER.readTree(Reports.render(Samples.closed("campaign-1", false), "json", NOW, ACME));
        assertThat(j.get("tlp").asText()).isEqualTo("TLP:GREEN");
        assertThat(j.get("reference").asText()).isEqualTo("ACME-DDOS-campaign-1");
        assertThat(j.at("/reporter/organisation").asText()).isEqualTo("ACME Party HQ");
        assertThat(j.get("whatHappened").asText()).startsWith("On 20 November 2026");
    }

    @Test
    void indicators_areOnlyWhatIsSpecificToTheAttack_theRestIsListedAsObserved() {
        String html = Reports.render(Samples.closed("campaign-1", false), "html", NOW, ACME);
        String indicators = between(html, "<pre id=\"indicators\">", "</pre>");
        String observed = between(html, "<pre id=\"observed\">", "</pre>");
        assertThat(indicators).contains("network 100.64.0.0/24").contains("user-agent &lt;script&gt;")
                .doesNotContain(Samples.MIXED_NETWORK).doesNotContain("Chrome/130");
        assertThat(observed).contains("network " + Samples.MIXED_NETWORK + " (partly served)").contains("Chrome/130");
    }

    @Test
    void theStixBundle_validates_atEveryTlpLevel_withAndWithoutAReporter() throws Exception {
        for (Tlp tlp : Tlp.values()) {
            for (Reporter who : new Reporter[] {new Reporter(null, null, null, null, tlp),
                    new Reporter("ACME", "+44 20 7946 0000", "soc@acme.example", "ACME", tlp)}) {
                for (IncidentRecord r : new IncidentRecord[] {Samples.closed("c-1", false), Samples.closed("c-2", true)}) {
                    JsonNode b = IncidentJson.MAPPER.readTree(Reports.render(r, "stix", NOW, who));
                    assertThat(StixRules.problems(b)).as("%s %s", tlp, who.organisation()).isEmpty();
                    int marked = 0;
                    for (JsonNode o : b.get("objects")) {
                        if (!"marking-definition".equals(o.get("type").asText())) {
                            assertThat(o.get("object_marking_refs").get(0).asText()).isEqualTo(tlp.markingId());
                            marked++;
                        }
                        if ("identity".equals(o.get("type").asText()) && who.organisation() != null) {
                            assertThat(o.get("identity_class").asText()).isEqualTo("organization");
                            assertThat(o.get("contact_information").asText()).contains("soc@acme.example");
                        }
                    }
                    assertThat(marked).isGreaterThan(5);
                }
            }
        }
    }

    @Test
    void theValidator_refusesBrokenBundles_namingWhatIsWrong() throws Exception {
        JsonNode good = IncidentJson.MAPPER.readTree(Reports.render(Samples.closed("c-1", false), "stix", NOW, ACME));
        ObjectNode noMarking = good.deepCopy();
        ((ArrayNode) noMarking.get("objects")).remove(0);
        assertThat(StixRules.problems(noMarking)).anyMatch(p -> p.contains("object_marking_refs") && p.contains("not in the bundle"));

        ObjectNode badPattern = good.deepCopy();
        for (JsonNode o : badPattern.get("objects")) {
            if ("indicator".equals(o.get("type").asText())) {
                ((ObjectNode) o).put("pattern", "[ipv4-addr:value ISSUBSET '100.64.0.0/33']");
                break;
            }
        }
        assertThat(StixRules.problems(badPattern)).anyMatch(p -> p.contains("not an address or network"));

        ObjectNode badTime = good.deepCopy();
        ((ObjectNode) badTime.get("objects").get(1)).put("created", "2026-11-20 19:00:01");
        assertThat(StixRules.problems(badTime)).anyMatch(p -> p.contains("millisecond precision"));

        ObjectNode fakeTlp = good.deepCopy();
        ((ObjectNode) fakeTlp.get("objects").get(0)).put("id", "marking-definition--00000000-0000-4000-8000-000000000000");
        assertThat(StixRules.problems(fakeTlp)).anyMatch(p -> p.contains("TLP 2.0's published"));

        ObjectNode stray = good.deepCopy();
        ((ObjectNode) stray.get("objects").get(1)).put("colour", "red");
        assertThat(StixRules.problems(stray)).anyMatch(p -> p.contains("'colour' is not defined"));
    }

    @Test
    void tlp_parsesTheFiveLevels_andRefusesTlp1sWhite() {
        assertThat(Tlp.parse("amber+strict")).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(Tlp.parse("TLP:CLEAR")).isEqualTo(Tlp.CLEAR);
        assertThatThrownBy(() -> Tlp.parse("WHITE")).hasMessageContaining("TLP 2.0 calls it CLEAR");
        assertThat(Reporter.of(ReporterConfig.DEFAULT).tlp()).as("the default").isEqualTo(Tlp.AMBER);
    }

    private static String between(String s, String from, String to) {
        int a = s.indexOf(from);
        assertThat(a).as("%s in the page", from).isNotNegative();
        int b = s.indexOf(to, a + from.length());
        return s.substring(a + from.length(), b);
    }
}
