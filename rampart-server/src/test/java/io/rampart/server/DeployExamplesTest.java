package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The container examples in {@code deploy/} cannot be run here (no Docker engine, no cluster), so
 * what can be checked is: the Rampart configuration each carries is valid and listens where the
 * example publishes, the image runs as a non-root user with a health check, and the build context
 * leaves build output out.
 */
class DeployExamplesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theComposeFilesConfiguration_isValid_andListensWhereThePortsArePublished() throws Exception {
        JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yml").toFile());
        RampartConfig c = new ConfigLoader().parse(compose.path("configs").path("rampart").path("content").asText(), "compose.yml");
        assertThat(c.listeners().get(0).address()).isEqualTo("0.0.0.0:8000");
        assertThat(c.admin().address()).isEqualTo("0.0.0.0:9090");
        assertThat(compose.path("services").path("rampart").path("ports").toString()).contains("80:8000").contains("127.0.0.1:9090:9090");
    }

    @Test
    void theKubernetesConfigMap_isValid_andTheProbesAskTheAdminListener() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve("kubernetes.yml").toFile())) {
            it.forEachRemaining(docs::add);
        }
        JsonNode map = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        RampartConfig c = new ConfigLoader().parse(map.path("data").path("rampart.yml").asText(), "kubernetes.yml");
        assertThat(c.admin().address()).endsWith(":9090");
        JsonNode container = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()
                .path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("ports").toString()).contains("9090").contains("8000");
    }

    @Test
    void theImage_runsAsItsOwnUser_withAHealthCheck_andTheContextLeavesBuildOutputOut() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^USER rampart$").containsPattern("(?m)^HEALTHCHECK .*").contains("/healthz");
        assertThat(Files.readString(Path.of("..", ".dockerignore"))).contains("**/target/").contains(".git/");
    }
}
