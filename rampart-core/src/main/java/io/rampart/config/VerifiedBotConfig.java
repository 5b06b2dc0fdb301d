package io.rampart.config;

import java.util.List;

/**
 * A crawler or monitor that is never challenged: its user-agent must contain {@code userAgent}
 * (case-insensitive) <em>and</em> its address must be in {@code networks}, so a bot that only
 * claims the name is treated like anyone else.
 *
 * @param name      a label for logs
 * @param userAgent a substring of the user-agent, such as {@code Googlebot}
 * @param networks  the operator's published address ranges
 */
public record VerifiedBotConfig(String name, String userAgent, List<String> networks) {
    public VerifiedBotConfig {
        networks = networks == null ? List.of() : List.copyOf(networks);
    }
}
