package io.rampart.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.rampart.cluster.ClusterLink;
import io.rampart.cluster.ClusterSecrets;
import io.rampart.cluster.SharedDecision;
import io.rampart.config.ClusterConfig;
import io.rampart.metrics.BuildInfo;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.proxy.ClusterJoin;
import io.rampart.proxy.ClusterMember;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's membership of a cluster through one Redis (or Valkey) database.
 *
 * <p>At start ({@link #secrets}) it checks the database belongs to this cluster (the marker
 * {@code rampart:owner}), then takes the cluster's secrets, offering its own when it is the first.
 * Once the gateway stands ({@link #start}) two threads run: {@code rampart-cluster} sends queued
 * decisions, reconciles rate limits every {@code syncInterval} and beats every second;
 * {@code rampart-cluster-log} reads the decision log. Neither is ever waited on by a request.
 * When the store does not answer the node serves on its own state and retries each second.
 */
public final class RedisCluster implements ClusterJoin, ClusterLink {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
    private static final long BEAT_NANOS = 1_000_000_000L;

    private final ClusterConfig config;
    private final String node;
    private final String storeText;
    private final Keys keys;
    private final StoreHealth health;
    private final Membership membership;
    private final DecisionLog log;
    private final LimitSync limits;
    private final RedisIncidents incidents;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisConnection<String, String> reader;
    private volatile String refused;
    private volatile ClusterSecrets secrets;
    private volatile byte[] pendingState;
    /** Whether the gateway already runs on {@link #secrets} (after {@link #start}): they can no longer change. */
    private volatile boolean secretsInUse;
    private volatile boolean agreed;
    private volatile boolean closed;
    private long lastConnectTry;
    private Thread loop;
    private Thread logReader;
    private ClusterMember member;

    private RedisCluster(ClusterConfig config) {
        this.config = config;
        this.node = config.nodeName();
        RedisURI uri = uri(config);
        this.storeText = redact(config.store());
        this.keys = new Keys(config.name());
        this.health = new StoreHealth(storeText);
        this.membership = new Membership(keys, node, health);
        byte[] run = new byte[8];
        new SecureRandom().nextBytes(run);
        this.log = new DecisionLog(keys.decisions(), node, Base64.getUrlEncoder().withoutPadding().encodeToString(run), health,
                membership::offsetMillis);
        this.limits = new LimitSync(keys, health, config.maxSyncKeys());
        this.incidents = new RedisIncidents(keys, node, health, this::commands);
        this.client = RedisClient.create(uri);
        Duration t = config.timeout();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(t).build())
                .timeoutOptions(TimeoutOptions.enabled(t))
                .build());
    }

    /** The store's address with the password from {@code cluster.passwordEnv} and the command timeout. */
    static RedisURI uri(ClusterConfig config) {
        RedisURI uri = RedisURI.create(config.store());
        if (config.passwordEnv() != null) {
            String pw = System.getenv(config.passwordEnv());
            if (pw == null) {
                throw new IllegalArgumentException("cluster.passwordEnv: the environment variable " + config.passwordEnv() + " is not set");
            }
            String user = userOf(config.store());
            if (user == null) {
                uri.setAuthentication(pw.toCharArray());
            } else {
                uri.setAuthentication(user, pw.toCharArray());
            }
        }
        uri.setTimeout(config.timeout());
        return uri;
    }

    /** A link for {@code config.cluster()}; nothing is connected until {@link #secrets}. */
    public static RedisCluster of(ClusterConfig config) {
        return new RedisCluster(config);
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public ClusterSecrets secrets(long localFeatureKey) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        ClusterSecrets mine = new ClusterSecrets(Base64.getEncoder().encodeToString(random), localFeatureKey);
        secrets = mine;
        RedisCommands<String, String> redis = commands();
        if (redis == null) {
            LOG.warn("cluster store {} unreachable at start ({}): this node starts with secrets of its own (its clearances and "
                    + "automatic rules are its own until it restarts with the store up)", storeText, health.lastError());
            return mine;
        }
        ClusterSecrets got = agree(redis, mine);
        agreed = got != null;
        return got == null ? mine : got;
    }

    /** Offers {@code mine} as the cluster's secrets and returns the cluster's (the first node's), or null when the store failed. */
    private ClusterSecrets agree(RedisCommands<String, String> redis, ClusterSecrets mine) {
        long t0 = System.nanoTime();
        try {
            redis.hsetnx(keys.secrets(), "challenge", mine.challengeSecret());
            redis.hsetnx(keys.secrets(), "featureKey", Long.toString(mine.featureKey()));
            Map<String, String> s = redis.hgetall(keys.secrets());
            health.ok(System.nanoTime() - t0, 3);
            String challenge = s.get("challenge");
            Long feature = mine.featureKey();
            try {
                feature = Long.parseLong(s.get("featureKey"));
            } catch (NumberFormatException e) {
                LOG.warn("cluster store {}: {} featureKey is not a number; this node keeps its own", storeText, keys.secrets());
            }
            if (challenge == null || challenge.length() < 16) {
                LOG.warn("cluster store {}: {} challenge is missing or short; this node keeps its own", storeText, keys.secrets());
                challenge = mine.challengeSecret();
            }
            ClusterSecrets got = new ClusterSecrets(challenge, feature);
            if (secretsInUse && !got.equals(secrets)) {
                LOG.warn("cluster store {} answers now, but this node started without it: its clearances and automatic rules stay "
                        + "its own until it restarts (decisions and limits are shared from now on)", storeText);
            } else {
                secrets = got;
            }
            return got;
        } catch (RuntimeException e) {
            health.failed(e);
            return null;
        }
    }

    @Override
    public byte[] detectionState() {
        RedisCommands<String, String> redis = commands();
        if (redis == null) {
            return null;
        }
        long t0 = System.nanoTime();
        try {
            String doc = redis.get(keys.detectionState());
            health.ok(System.nanoTime() - t0, 1);
            return doc == null ? null : doc.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            health.failed(e);
            return null;
        }
    }

    @Override
    public Consumer<byte[]> detectionStateSink() {
        return doc -> pendingState = doc;
    }

    /** Sends the latest saved detection state, if one is waiting. */
    private void flushState(RedisCommands<String, String> redis) {
        byte[] doc = pendingState;
        if (doc == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            redis.set(keys.detectionState(), new String(doc, java.nio.charset.StandardCharsets.UTF_8));
            health.ok(System.nanoTime() - t0, 1);
            if (pendingState == doc) {
                pendingState = null;
            }
        } catch (RuntimeException e) {
            health.failed(e);
        }
    }

    @Override
    public Consumer<SharedDecision> sink() {
        return log::offer;
    }

    @Override
    public synchronized ClusterLink start(ClusterMember m) {
        this.member = m;
        this.secretsInUse = true;
        GatewayMetrics metrics = m.metrics();
        StoreHealth h = health;
        metrics.gauge("rampart.cluster.store.up", "Whether the cluster store answers (1) or this node runs on its own state (0)",
                () -> h.up() ? 1 : 0);
        metrics.gauge("rampart.cluster.store.round.trip.seconds", "The last store command's round trip", h::roundTripSeconds);
        metrics.counter("rampart.cluster.store.operations", "Store commands sent", h.operations, java.util.concurrent.atomic.AtomicLong::get);
        metrics.counter("rampart.cluster.store.errors", "Store commands that failed or timed out", h.errors,
                java.util.concurrent.atomic.AtomicLong::get);
        Membership mb = membership;
        metrics.gauge("rampart.cluster.nodes", "Live nodes in the cluster (this one included)", () -> mb.live().size());
        DecisionLog dl = log;
        metrics.gauge("rampart.cluster.decisions.lag.seconds", "How old the last decision heard from another node was on arrival",
                () -> dl.lagMillis() / 1000.0);
        metrics.gauge("rampart.cluster.decisions.queued", "Decisions of this node waiting for the store", dl::queued);
        LimitSync ls = limits;
        metrics.gauge("rampart.cluster.limit.keys", "Rate-limit keys reconciled with the store in the last interval", ls::lastKeys);
        m.incidentRegistry(incidents);
        loop = new Thread(this::runLoop, "rampart-cluster");
        loop.setDaemon(true);
        loop.start();
        logReader = new Thread(this::runReader, "rampart-cluster-log");
        logReader.setDaemon(true);
        logReader.start();
        return this;
    }

    private void runLoop() {
        long interval = config.syncInterval().toNanos();
        long nextBeat = 0;
        while (!closed) {
            long start = System.nanoTime();
            RedisCommands<String, String> redis = commands();
            if (redis != null) {
                log.flush(redis);
                if (start - nextBeat >= 0) {
                    nextBeat = start + BEAT_NANOS;
                    if (!agreed) {
                        agreed = agree(redis, secrets) != null;
                    }
                    checkStore(redis);
                    incidents.flush(redis);
                    flushState(redis);
                    List<String> live = membership.beat(redis, member.requestsAnswered(), BuildInfo.version(), member.addresses());
                    if (live != null) {
                        member.nodes(Math.max(1, live.size()));
                        try {
                            member.share(membership.share(redis));
                        } catch (RuntimeException e) {
                            health.failed(e);
                        }
                    }
                }
                limits.sync(redis, member);
            } else {
                member.limits().drain(config.maxSyncKeys()); // fail-static: counts of a store-less interval are dropped
            }
            long left = interval - (System.nanoTime() - start);
            if (left > 0) {
                try {
                    log.awaitOutbox(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Each second: is the database still this cluster's? A store that came back empty (restarted,
     * seen by its new run id, or flushed, seen by its missing marker) gets the marker, this node's secrets and every decision this node
     * still holds again, so a node that joins later learns them; a database another cluster took
     * is left.
     */
    private void checkStore(RedisCommands<String, String> redis) {
        long t0 = System.nanoTime();
        try {
            boolean reset = redis.setnx(Keys.OWNER, config.name());
            String owner = reset ? config.name() : redis.get(Keys.OWNER);
            // a restarted server: its run id changes (a node that joined after the restart may have
            // put the marker back before this node looked, so the marker alone cannot tell)
            String runId = runIdOf(redis.info("server"));
            if (runId != null && lastRunId != null && !runId.equals(lastRunId)) {
                reset = true;
            }
            if (runId != null) {
                lastRunId = runId;
            }
            health.ok(System.nanoTime() - t0, reset ? 2 : 3);
            if (!config.name().equals(owner)) {
                refused = "the database now belongs to cluster '" + owner + "' (rampart:owner)";
                LOG.error("cluster store {} refused: {}. This node runs on its own state.", storeText, refused);
                return;
            }
            if (reset) {
                LOG.warn("cluster store {} came back without this cluster's data: writing this node's secrets and standing "
                        + "decisions into it again", storeText);
                agree(redis, secrets);
                for (SharedDecision d : member.standing()) {
                    log.offer(d);
                }
            }
        } catch (RuntimeException e) {
            health.failed(e);
        }
    }

    private String lastRunId;

    /** The server's run id from {@code INFO server}, or null. */
    static String runIdOf(String info) {
        if (info == null) {
            return null;
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring(7).trim();
            }
        }
        return null;
    }

    private void runReader() {
        while (!closed) {
            StatefulRedisConnection<String, String> r = readerConnection();
            if (r == null) {
                sleep(200);
                continue;
            }
            log.read(r.sync(), 200, member::apply);
            if (!health.up()) {
                sleep(200);
            }
        }
    }

    /** The command connection, connecting (at most once a second) when there is none; null when the store is unusable. */
    private synchronized RedisCommands<String, String> commands() {
        if (refused != null) {
            return null;
        }
        StatefulRedisConnection<String, String> c = commands;
        if (c != null) {
            return c.isOpen() ? c.sync() : null;
        }
        long now = System.nanoTime();
        if (lastConnectTry != 0 && now - lastConnectTry < 1_000_000_000L) {
            return null;
        }
        lastConnectTry = now;
        try {
            c = client.connect();
            RedisCommands<String, String> redis = c.sync();
            String owner = redis.get(Keys.OWNER);
            if (owner == null) {
                redis.setnx(Keys.OWNER, config.name());
                owner = redis.get(Keys.OWNER);
            }
            if (!config.name().equals(owner)) {
                refused = "the database belongs to cluster '" + owner + "' (rampart:owner); give cluster.name: " + owner
                        + " to join it, or another database";
                LOG.error("cluster store {} refused: {}. This node runs on its own state.", storeText, refused);
                c.close();
                return null;
            }
            health.ok(System.nanoTime() - now, 3);
            commands = c;
            return redis;
        } catch (RuntimeException e) {
            health.failed(e);
            if (c != null) {
                c.closeAsync();
            }
            return null;
        }
    }

    private StatefulRedisConnection<String, String> readerConnection() {
        StatefulRedisConnection<String, String> r = reader;
        if (r != null) {
            return r.isOpen() ? r : null;
        }
        if (commands() == null && commands == null) {
            return null;
        }
        try {
            r = client.connect();
            r.setTimeout(config.timeout().plusMillis(200));
            reader = r;
            return r;
        } catch (RuntimeException e) {
            health.failed(e);
            return null;
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", config.name());
        out.put("node", node);
        out.put("store", storeText);
        out.put("storeUp", health.up());
        if (refused != null) {
            out.put("refused", refused);
        } else if (!health.up()) {
            out.put("storeError", health.lastError());
        }
        out.put("storeRoundTripMillis", Math.round(health.roundTripSeconds() * 1e6) / 1000.0);
        out.put("storeOperations", health.operations.get());
        out.put("storeErrors", health.errors.get());
        out.put("clockOffsetMillis", membership.offsetMillis());
        out.put("decisionsApplied", log.applied());
        out.put("decisionsQueued", log.queued());
        out.put("decisionsDropped", log.dropped());
        out.put("decisionLagMillis", log.lagMillis());
        out.put("limitKeysLastInterval", limits.lastKeys());
        List<Map<String, String>> nodes = List.of();
        RedisCommands<String, String> redis = health.up() ? commands() : null;
        if (redis != null) {
            try {
                nodes = membership.nodes(redis);
            } catch (RuntimeException e) {
                health.failed(e);
            }
        }
        List<Map<String, Object>> view = new java.util.ArrayList<>();
        long now = System.currentTimeMillis() + membership.offsetMillis();
        for (Map<String, String> n : nodes) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", n.get("node"));
            v.put("version", n.get("version"));
            long ago = Math.max(0, now - parse(n.get("beat")));
            v.put("addresses", n.get("addresses") == null || n.get("addresses").isBlank() ? List.of()
                    : List.of(n.get("addresses").split(" ")));
            v.put("lastHeartbeatMillisAgo", ago);
            v.put("seesStore", ago < Membership.EXPIRY_MILLIS);
            v.put("requestsPerSecond", n.get("rate") == null ? 0 : Double.parseDouble(n.get("rate")));
            v.put("self", node.equals(n.get("node")));
            view.add(v);
        }
        out.put("nodes", view);
        return out;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }

    @Override
    public boolean storeUp() {
        return health.up();
    }

    /** Stops the link's threads as a crash would: no goodbye, so the others drop this node only when its heartbeat expires. */
    void halt() {
        closed = true;
        for (Thread t : new Thread[] {loop, logReader}) {
            if (t != null) {
                t.interrupt();
                join(t);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread l = loop;
        if (l != null) {
            l.interrupt();
            join(l);
        }
        // interrupting the loop above can break off its command, which marks the store down although
        // the connection is fine: the last decisions and state still go out then (a store really
        // down is not waited for at stop)
        boolean usable = health.up() || String.valueOf(health.lastError()).contains("Interrupted");
        RedisCommands<String, String> redis = usable ? commands() : null;
        if (redis != null) {
            log.flush(redis);
            incidents.flush(redis);
            flushState(redis);
            membership.leave(redis);
        }
        Thread r = logReader;
        if (r != null) {
            join(r);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static void join(Thread t) {
        try {
            t.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The ACL user named in the URL ({@code redis://USER@host} or {@code redis://USER:pw@host}), or null. */
    static String userOf(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("//([^@/:]+)(:[^@/]*)?@").matcher(url);
        return m.find() ? m.group(1) : null;
    }

    /** The store's URL without a password. */
    static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
