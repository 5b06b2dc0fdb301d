package io.rampart.shield;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.HashMap;

/**
 * The query parameter names each path really uses, learned from the responses the shield stored.
 *
 * <p>Design note: a name counts as known for a path once {@value #SEEN} stored pages of that path
 * used it ({@code page}, {@code lang}, {@code q}). A cache buster's name (or value) is new every
 * time, so it never gets there. Under pressure, {@link CacheKeys} leaves unknown names out of the
 * key, which turns a flood of {@code /?x7gq2lpa9z} into hits on {@code /}. Bounded: at most
 * {@value #NAMES_PER_PATH} names are counted per path (a path that sees more is being busted, and
 * only the names already known stay known), and {@value #PATHS} paths in all.
 */
final class KnownParams {
    static final int SEEN = 3;
    static final int NAMES_PER_PATH = 64;
    static final int PATHS = 20_000;

    private final Cache<String, HashMap<String, Integer>> byPath = Caffeine.newBuilder().maximumSize(PATHS).build();

    /** Counts the names in {@code query} (already without ignored parameters) for {@code path}. */
    void learn(String path, String query) {
        HashMap<String, Integer> counts = byPath.get(path, p -> new HashMap<>());
        synchronized (counts) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (name.isEmpty()) {
                    continue;
                }
                Integer n = counts.get(name);
                if (n != null) {
                    counts.put(name, n + 1);
                } else if (counts.size() < NAMES_PER_PATH) {
                    counts.put(name, 1);
                }
            }
        }
    }

    /** Whether {@code name} is one of {@code path}'s real parameters. */
    boolean known(String path, String name) {
        HashMap<String, Integer> counts = byPath.getIfPresent(path);
        if (counts == null) {
            return false;
        }
        synchronized (counts) {
            Integer n = counts.get(name);
            return n != null && n >= SEEN;
        }
    }
}
