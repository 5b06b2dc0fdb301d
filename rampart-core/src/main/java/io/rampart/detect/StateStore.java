package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.FeatureHasher;
import io.rampart.config.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Keeps what the control plane learned across restarts, in one JSON file in the state directory:
 * the feature-hash key (baselines and signatures are in terms of it), every site's baseline, and
 * remembered attack signatures. Written whole to a temporary file, then moved over the old one.
 * A missing file starts afresh; an unreadable one is set aside (renamed {@code .bad}) and reported,
 * never a reason not to start.
 */
public final class StateStore {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long hashKey;
    private final JsonNode loaded;

    private StateStore(Path file, long hashKey, JsonNode loaded) {
        this.file = file;
        this.hashKey = hashKey;
        this.loaded = loaded;
    }

    /** A store that keeps nothing (no state directory configured). */
    public static StateStore none() {
        return new StateStore(null, new SecureRandom().nextLong(), null);
    }

    /** Opens the state in {@code dir}, creating the directory when needed. */
    public static StateStore open(Path dir) throws IOException {
        PrivateFiles.directory(dir);
        Path file = dir.resolve("detection-state.json");
        if (Files.exists(file)) {
            try {
                JsonNode root = JSON.readTree(file.toFile());
                if (root != null && root.path("version").asInt() == VERSION && root.has("hashKey")) {
                    return new StateStore(file, root.get("hashKey").asLong(), root);
                }
                throw new IOException("not a version " + VERSION + " detection state");
            } catch (IOException e) {
                Path bad = file.resolveSibling("detection-state.json.bad");
                Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
                org.slf4j.LoggerFactory.getLogger(StateStore.class).warn(
                        "detection state {} could not be read ({}); set aside as {}, learning afresh", file, e.getMessage(), bad);
            }
        }
        return new StateStore(file, new SecureRandom().nextLong(), null);
    }

    /**
     * This store under another feature key (a cluster's): what was learned under the old key hashes
     * requests differently, so it is not restored, and the next save writes the new key.
     */
    public StateStore withKey(long key) {
        if (key == hashKey) {
            return this;
        }
        if (loaded != null) {
            org.slf4j.LoggerFactory.getLogger(StateStore.class).warn(
                    "detection state {} was learned under another feature key than the cluster's; learning afresh with the cluster's", file);
        }
        return new StateStore(file, key, null);
    }

    public boolean enabled() {
        return file != null;
    }

    public Path file() {
        return file;
    }

    public long hashKey() {
        return hashKey;
    }

    /** The hasher every request's features are computed with (its key is part of the state). */
    public FeatureHasher hasher() {
        return new FeatureHasher(hashKey);
    }

    void restore(SiteControl s) {
        if (loaded == null) {
            return;
        }
        JsonNode site = loaded.path("sites").path(s.name);
        if (site.isMissingNode()) {
            return;
        }
        Baseline b = s.baseline;
        b.ticks = site.path("ticks").asLong();
        b.restoredTicks = b.ticks;
        b.rateMean = site.path("rateMean").asDouble();
        b.rateVar = site.path("rateVar").asDouble();
        b.latencyMicros = site.path("latencyMicros").asDouble();
        b.errorShare = site.path("errorShare").asDouble();
        for (int h = 0; h < 24; h++) {
            b.hourMean[h] = site.path("hourMean").path(h).asDouble();
            b.hourTicks[h] = site.path("hourTicks").path(h).asLong();
        }
        // rows are whole recorded samples: a file written with another number of dimensions cannot be read row by row
        boolean sameLayout = site.path("fields").asInt(-1) == io.rampart.traffic.TrafficRecorder.FIELDS;
        byte[] rows = sameLayout ? Base64.getDecoder().decode(site.path("rows").asText("")) : new byte[0];
        ByteBuffer buf = ByteBuffer.wrap(rows);
        int n = Math.min(rows.length / 8, b.rows.length);
        for (int i = 0; i < n; i++) {
            b.rows[i] = buf.getLong();
        }
        b.filled = Math.min(site.path("filled").asInt(), n / io.rampart.traffic.TrafficRecorder.FIELDS);
        b.restored();
        for (JsonNode r : site.path("signatures")) {
            List<Condition> conditions = new ArrayList<>();
            for (JsonNode c : r.path("conditions")) {
                Dimension d = Dimension.byId(c.path("dimension").asText());
                if (d == null) {
                    conditions = null;
                    break;
                }
                long[] values = new long[c.path("values").size()];
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < values.length; i++) {
                    values[i] = Long.parseUnsignedLong(c.path("values").get(i).asText(), 16);
                    texts.add(c.path("texts").path(i).asText("?"));
                }
                conditions.add(new Condition(d, values, texts));
            }
            if (conditions != null && !conditions.isEmpty()) {
                s.memory.restore(new SignatureMemory.Remembered(r.path("id").asText(), conditions,
                        MitigationStep.parse(r.path("step").asText("block")), Instant.parse(r.path("firstSeen").asText()),
                        Instant.parse(r.path("lastSeen").asText()), r.path("times").asInt(1)));
            }
        }
    }

    void save(java.util.Collection<SiteControl> sites) throws IOException {
        byte[] doc = document(sites);
        if (file != null) {
            PrivateFiles.replace(file, doc); // it holds the feature-hash key
        }
        java.util.function.Consumer<byte[]> m = mirror;
        if (m != null) {
            m.accept(doc);
        }
    }

    private volatile java.util.function.Consumer<byte[]> mirror;

    /** Also hands every saved document to {@code m} (a cluster keeps the latest in its store). */
    public void mirror(java.util.function.Consumer<byte[]> m) {
        this.mirror = m;
    }

    /** Whether this store, or its mirror, keeps anything. */
    boolean keeps() {
        return file != null || mirror != null;
    }

    /** Whether learned state was read (from the file, or adopted from a cluster). */
    public boolean learned() {
        return loaded != null;
    }

    /**
     * This store with {@code document} (another node's saved state, from the cluster's store) as
     * what is restored, when nothing was read locally and the document is readable and under this
     * store's feature key; else this store. What is then learned is saved to this node's file.
     */
    public StateStore adopt(byte[] document) {
        if (loaded != null || document == null || document.length == 0) {
            return this;
        }
        try {
            JsonNode root = JSON.readTree(document);
            if (root == null || root.path("version").asInt() != VERSION || !root.has("hashKey")
                    || root.get("hashKey").asLong() != hashKey) {
                return this;
            }
            org.slf4j.LoggerFactory.getLogger(StateStore.class).info(
                    "detection starts from the cluster's learned state (baselines and remembered attacks), not cold");
            return new StateStore(file, hashKey, root);
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(StateStore.class).warn("the cluster's detection state is unreadable ({}); learning afresh",
                    e.getMessage());
            return this;
        }
    }

    private byte[] document(java.util.Collection<SiteControl> sites) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("hashKey", hashKey);
        ObjectNode all = root.putObject("sites");
        for (SiteControl s : sites) {
            Baseline b = s.baseline;
            ObjectNode o = all.putObject(s.name);
            o.put("ticks", b.ticks).put("rateMean", b.rateMean).put("rateVar", b.rateVar)
                    .put("latencyMicros", b.latencyMicros).put("errorShare", b.errorShare)
                    .put("filled", b.filled);
            ArrayNode hm = o.putArray("hourMean");
            ArrayNode ht = o.putArray("hourTicks");
            for (int h = 0; h < 24; h++) {
                hm.add(b.hourMean[h]);
                ht.add(b.hourTicks[h]);
            }
            int longs = b.filled * io.rampart.traffic.TrafficRecorder.FIELDS;
            ByteBuffer buf = ByteBuffer.allocate(longs * 8);
            for (int i = 0; i < longs; i++) {
                buf.putLong(b.rows[i]);
            }
            o.put("fields", io.rampart.traffic.TrafficRecorder.FIELDS);
            o.put("rows", Base64.getEncoder().encodeToString(buf.array()));
            ArrayNode sigs = o.putArray("signatures");
            for (SignatureMemory.Remembered r : s.memory.entries()) {
                ObjectNode so = sigs.addObject();
                so.put("id", r.id).put("step", r.step.id()).put("firstSeen", r.firstSeen.toString())
                        .put("lastSeen", r.lastSeen.toString()).put("times", r.times);
                ArrayNode cs = so.putArray("conditions");
                for (Condition c : r.conditions) {
                    ObjectNode co = cs.addObject();
                    co.put("dimension", c.dimension().id());
                    ArrayNode vs = co.putArray("values");
                    for (long v : c.values()) {
                        vs.add(Long.toHexString(v));
                    }
                    ArrayNode ts = co.putArray("texts");
                    c.texts().forEach(ts::add);
                }
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }
}
