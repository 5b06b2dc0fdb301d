package io.rampart.config;

import java.util.List;
import java.util.Locale;

/**
 * "Did you mean…" for misspelt keys and commands: the closest known word within a small edit
 * distance (a third of the typed length), or else the shortest known word the typed one begins
 * (at least four letters: {@code listen} for {@code listeners}). Nothing when neither holds, so an
 * unrelated word is never suggested.
 */
public final class Suggestions {
    private Suggestions() {
    }

    public static String closest(String typed, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typed.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, typed.length() / 3);
        if (bestDistance <= allowed) {
            return best;
        }
        String prefixOf = null;
        String lower = typed.toLowerCase(Locale.ROOT);
        for (String k : known) {
            if (lower.length() >= 4 && k.toLowerCase(Locale.ROOT).startsWith(lower) && (prefixOf == null || k.length() < prefixOf.length())) {
                prefixOf = k;
            }
        }
        return prefixOf;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
