package io.rampart.redis;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.proxy.Gateway;
import io.rampart.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Gateways in this JVM, each a node of one cluster in front of one origin, each on its own loopback port. */
final class ClusterNodes implements AutoCloseable {
    final List<Gateway> nodes = new ArrayList<>();

    static String yaml(String store, String node, String originUrl, String extra) {
        return "admin: {enabled: false}\n"
                + "listeners: [{address: \"127.0.0.1:0\"}]\n"
                + "accessLog: {path: off}\n"
                + "cluster:\n  store: " + store + "\n  node: " + node + "\n  syncInterval: 50ms\n"
                + "challenge: {difficulty: 8}\n"
                + extra
                + "sites:\n  - name: campaign\n    hosts: ['*']\n    upstreams: [" + originUrl + "]\n";
    }

    final java.util.Map<Gateway, RedisCluster> links = new java.util.HashMap<>();

    Gateway start(String store, String node, String originUrl, String extra) throws Exception {
        RampartConfig config = new ConfigLoader().parse(yaml(store, node, originUrl, extra), node + ".yml");
        RedisCluster link = RedisCluster.of(config.cluster());
        Gateway g = Gateway.start(config, link);
        nodes.add(g);
        links.put(g, link);
        return g;
    }

    @SuppressWarnings("unchecked")
    static int liveNodes(Gateway g) {
        Object n = g.cluster().describe().get("nodes");
        return n instanceof java.util.List<?> l ? l.size() : 0;
    }

    static int port(Gateway g) {
        return g.listenAddresses().get(0).getPort();
    }

    static RawHttp.Response get(RawHttp c, String path, String cookie) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: campaign.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "Accept: text/html\r\n\r\n");
        return c.read();
    }

    static int status(String source, Gateway g, String path) throws Exception {
        try (RawHttp c = new RawHttp(source, port(g))) {
            return get(c, path, null).status();
        }
    }

    @Override
    public void close() {
        for (Gateway g : nodes) {
            g.stop(Duration.ofMillis(200));
        }
    }
}
