package io.rampart.lab.scenario;

import java.time.Duration;

/**
 * One population in a scenario: {@code clients} simulated clients of one persona, active from
 * {@code start} for {@code duration}. Fields a persona does not use are ignored.
 *
 * @param persona      visitor, staff, office, feed, api, flooder, slowloris, slow-post, slow-read
 * @param clients      simulated clients; for attackers, distinct source addresses
 * @param start        when the group starts, from the beginning of the run
 * @param duration     how long it stays active (to the end of the run when absent)
 * @param rate         flooder: requests per second per source
 * @param connections  flooder and slow personas: connections per source
 * @param path         flooder: the target path; {@code {rand}} becomes a random string per request
 * @param method       flooder: GET or POST (a POST sends a small form body)
 * @param userAgent    flooder: {@code fixed} (one bot string) or {@code rotate} (browser strings)
 * @param think        visitor and staff: pause between page views, e.g. {@code 2s..6s}
 * @param interval     feed and api: time between polls
 * @param pulse        flooder: on/off cycle within the active period (a pulse wave)
 * @param perPrefix    how many sources share one /24 (1: every source in its own network)
 * @param headers      flooder: {@code plain} (a bot's few headers) or {@code browser} (a browser's
 *                     full set, as a residential proxy or a headless browser sends)
 * @param behind       legitimate groups: the clients share this many source addresses (a carrier-
 *                     grade NAT, an office); absent: each client its own
 * @param solves       flooder: solves the challenge as a headless browser does and keeps the
 *                     cookies it is given (a browser botnet)
 */
public record Group(String persona, Integer clients, Duration start, Duration duration, Double rate,
                   Integer connections, String path, String method, String userAgent, Range think,
                   Duration interval, Pulse pulse, Integer perPrefix, String headers, Integer behind, Boolean solves) {

    /** A pause drawn uniformly between {@code min} and {@code max}. */
    public record Range(Duration min, Duration max) {
    }

    /** Active for {@code on}, then silent for {@code off}, repeated. */
    public record Pulse(Duration on, Duration off) {
    }

    public Persona kind() {
        return Persona.of(persona);
    }

    public int clientCount() {
        return clients == null ? 1 : clients;
    }

    public Duration startOr() {
        return start == null ? Duration.ZERO : start;
    }

    /** The end of the active period, bounded by the scenario's length. */
    public Duration end(Duration scenarioLength) {
        if (duration == null) {
            return scenarioLength;
        }
        Duration e = startOr().plus(duration);
        return e.compareTo(scenarioLength) > 0 ? scenarioLength : e;
    }

    public double rateOr(double dflt) {
        return rate == null ? dflt : rate;
    }

    public int connectionsOr(int dflt) {
        return connections == null ? dflt : connections;
    }

    public String pathOr(String dflt) {
        return path == null ? dflt : path;
    }

    public String methodOr() {
        return method == null ? "GET" : method;
    }

    public boolean rotatingUserAgent() {
        return "rotate".equals(userAgent);
    }

    public Range thinkOr(Range dflt) {
        return think == null ? dflt : think;
    }

    public Duration intervalOr(Duration dflt) {
        return interval == null ? dflt : interval;
    }

    public int perPrefixOr() {
        return perPrefix == null ? 1 : perPrefix;
    }

    /** Whether a pulsing group sends at {@code sinceStart} into its active period. */
    public boolean pulseOn(long sinceStartNanos) {
        if (pulse == null) {
            return true;
        }
        long cycle = pulse.on().toNanos() + pulse.off().toNanos();
        return sinceStartNanos % cycle < pulse.on().toNanos();
    }

    /** The same group with every phase time multiplied by {@code f} (for {@code --duration}). */
    Group scaled(double f) {
        return new Group(persona, clients, scale(start, f), scale(duration, f), rate, connections, path, method,
                userAgent, think, interval, pulse == null ? null : new Pulse(scale(pulse.on(), f), scale(pulse.off(), f)),
                perPrefix, headers, behind, solves);
    }

    public boolean browserHeaders() {
        return "browser".equals(headers);
    }

    /** How many distinct addresses the group's clients use. */
    public int addressCount() {
        return behind == null ? clientCount() : Math.min(behind, clientCount());
    }

    public boolean solvesChallenges() {
        return solves != null && solves;
    }

    static Duration scale(Duration d, double f) {
        return d == null ? null : Duration.ofNanos(Math.round(d.toNanos() * f));
    }
}
