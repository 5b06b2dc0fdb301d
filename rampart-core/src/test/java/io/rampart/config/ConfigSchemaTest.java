package io.rampart.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The published JSON Schema is the model's (regenerate with {@code bin/rampart config-schema >
 * docs/rampart-config.schema.json}), it agrees with the loader on good and bad files, and the
 * configuration reference documents every key of the model and no key the model lacks.
 */
class ConfigSchemaTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Schema SCHEMA = SchemaRegistry.withDialect(Dialects.getDraft7()).getSchema(ConfigSchema.text(), InputFormat.JSON);

    @Test
    void thePublishedSchema_isTheModels() throws Exception {
        assertThat(Files.readString(DOCS.resolve("rampart-config.schema.json")))
                .as("docs/rampart-config.schema.json is stale: bin/rampart config-schema > docs/rampart-config.schema.json")
                .isEqualTo(ConfigSchema.text());
    }

    @Test
    void theExampleAndTheLabsConfiguration_passTheSchemaAndTheLoader() throws Exception {
        String example = Files.readString(Path.of("..", "examples", "rampart.yml"));
        assertThat(SCHEMA.validate(example, InputFormat.YAML)).isEmpty();
        new ConfigLoader().parse(example, "examples/rampart.yml");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\nlisten: x\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], limts: {}}]\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\nconnections: {perClient: many}\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\nadmission: {enabled: maybe}\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\ntimeouts: {requestHead: soon}\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\ntimeouts: {minBodyRate: 5 parsecs}\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], pin: sometimes}]\n",
            "sites: [{name: a, hosts: [[nested]], upstreams: ['http://127.0.0.1:1']}]\n",
            "sites: 5\n",
    })
    void whatTheSchemaRefuses_theLoaderRefusesToo(String yaml) {
        assertThat(SCHEMA.validate(yaml, InputFormat.YAML)).as("the schema").isNotEmpty();
        assertThatThrownBy(() -> new ConfigLoader().parse(yaml, "bad.yml")).as("the loader").isInstanceOf(ConfigException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sites: [{name: a, hosts: '*', upstreams: 'http://127.0.0.1:1'}]\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], pin: auto}]\ntimeouts: {requestHead: 10s, minBodyRate: 16KB}\n",
            "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], routes: [{path: /login, limits: {perClient: {rate: 1, burst: 5}, action: tarpit}}]}]\n",
    })
    void whatTheSchemaAccepts_theLoaderAcceptsToo(String yaml) throws Exception {
        assertThat(SCHEMA.validate(yaml, InputFormat.YAML)).as("the schema").isEmpty();
        new ConfigLoader().parse(yaml, "good.yml");
    }

    @Test
    void theReference_documentsEveryKeyOfTheModel_andNoOther() throws Exception {
        String reference = Files.readString(DOCS.resolve("configuration.md"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`([a-zA-Z][a-zA-Z0-9]*(?:\\.[a-zA-Z][a-zA-Z0-9]*)*)(?:`|:)").matcher(reference);
        while (m.find()) {
            documented.add(m.group(1));
        }
        // and the keys of its annotated YAML examples (block and flow style)
        Matcher block = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(reference);
        while (block.find()) {
            Matcher key = Pattern.compile("(?m)(?:^\\s*(?:#\\s*)?(?:-\\s+)?|[{,]\\s*)([a-zA-Z][a-zA-Z0-9]*):").matcher(block.group(1));
            while (key.find()) {
                documented.add(key.group(1));
            }
        }
        Set<String> paths = new TreeSet<>();
        collect(new ObjectMapper().readTree(ConfigSchema.text()), "", paths);
        List<String> undocumented = new ArrayList<>();
        for (String path : paths) {
            String leaf = path.substring(path.lastIndexOf('.') + 1);
            // documented as its full path, as a path within its section (`perClient.rate`), or by its name in its section's table
            boolean found = documented.contains(path) || documented.stream().anyMatch(d -> path.endsWith("." + d)) || documented.contains(leaf);
            if (!found) {
                undocumented.add(path);
            }
        }
        assertThat(undocumented).as("keys of the model that docs/configuration.md never names").isEmpty();
        List<String> unknown = new ArrayList<>();
        int rows = 0;
        Matcher row = Pattern.compile("(?m)^\\| `([a-zA-Z][a-zA-Z0-9]*(?:\\.[a-zA-Z][a-zA-Z0-9]*)+)`").matcher(reference);
        while (row.find()) {
            String key = row.group(1);
            rows++;
            if (paths.stream().noneMatch(p -> p.equals(key) || p.endsWith("." + key))) {
                unknown.add(key);
            }
        }
        assertThat(rows).as("dotted keys in the reference's tables").isGreaterThan(20);
        assertThat(unknown).as("keys docs/configuration.md describes in its tables that the model does not have").isEmpty();
    }

    /** Every key path of the schema, list levels left out ({@code sites.routes.limits.perClient.rate}). */
    private static void collect(JsonNode node, String path, Set<String> out) {
        JsonNode props = node.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            out.add(p);
            JsonNode v = e.getValue();
            collect(v.has("anyOf") ? v.get("anyOf").get(0).get("items") : v, p, out);
            if (v.path("additionalProperties").isObject()) {
                collect(v.get("additionalProperties"), p, out);
            }
        }
    }
}
