package io.rampart.detect;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.Dimension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An automatic rule's signature as the cluster carries it: each condition as
 * {@code cond.N = DIMENSION|hash,hash|text␁text}, its rungs, and a check of the feature key its
 * hashes were made with (a node with another key would match other requests with them, so it
 * ignores the rule).
 */
final class SharedRules {
    private static final char TEXTS = '\u0001';

    private SharedRules() {
    }

    static Map<String, String> encode(Signature s, long featureKey) {
        Map<String, String> out = new HashMap<>();
        out.put("key", keyCheck(featureKey));
        out.put("first", s.firstStep().id());
        out.put("highest", s.highestStep().id());
        List<Condition> cs = s.conditions();
        for (int i = 0; i < cs.size(); i++) {
            Condition c = cs.get(i);
            StringBuilder b = new StringBuilder(c.dimension().name()).append('|');
            long[] v = c.values();
            for (int j = 0; j < v.length; j++) {
                b.append(j == 0 ? "" : ",").append(Long.toHexString(v[j]));
            }
            b.append('|');
            List<String> t = c.texts();
            for (int j = 0; j < t.size(); j++) {
                b.append(j == 0 ? "" : String.valueOf(TEXTS)).append(t.get(j).replace(TEXTS, '?'));
            }
            out.put("cond." + i, b.toString());
        }
        return out;
    }

    /** The signature, or null when it is malformed or was made with another feature key. */
    static Signature decode(Map<String, String> args, long featureKey) {
        if (!keyCheck(featureKey).equals(args.get("key"))) {
            return null;
        }
        try {
            MitigationStep first = MitigationStep.parse(args.get("first"));
            MitigationStep highest = MitigationStep.parse(args.get("highest"));
            List<Condition> cs = new ArrayList<>();
            for (int i = 0; args.containsKey("cond." + i) && i < 8; i++) {
                String[] parts = args.get("cond." + i).split("\\|", 3);
                Dimension d = Dimension.valueOf(parts[0]);
                String[] hex = parts[1].split(",");
                long[] values = new long[hex.length];
                for (int j = 0; j < hex.length; j++) {
                    values[j] = Long.parseUnsignedLong(hex[j], 16);
                }
                List<String> texts = List.of(parts[2].split(String.valueOf(TEXTS), -1));
                cs.add(new Condition(d, values, texts));
            }
            if (cs.isEmpty() || first == null || highest == null) {
                return null;
            }
            return new Signature(List.copyOf(cs), 0, 0, 0, first, highest);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A one-way check of the feature key: equal on nodes that share it, and telling nothing of it. */
    static String keyCheck(long featureKey) {
        return Long.toHexString(io.rampart.traffic.KeyHash.fmix64(featureKey ^ 0x5348_4152_4544L));
    }
}
