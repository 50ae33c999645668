package io.pointsman.proxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PrefixTrie} against a scan with {@code startsWith}/{@code endsWith}, ranked and not. */
class PrefixTrieTest {
    /** A small alphabet (so values overlap), a non-BMP character (a surrogate pair) included. */
    private static final String[] PIECES = {"/", "a", "b", "ab", ".", "\uD83D\uDE00", "é"};

    private static String word(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void agreesWithAScan() {
        Random r = new Random(5);
        for (int round = 0; round < 300; round++) {
            boolean reversed = r.nextBoolean();
            Map<String, Integer> ranked = new LinkedHashMap<>();
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                ranked.putIfAbsent(word(r, 4), ranked.size());
            }
            List<String> values = new ArrayList<>(ranked.keySet());
            PrefixTrie set = new PrefixTrie(values, reversed);
            PrefixTrie ranks = new PrefixTrie(ranked, reversed);
            for (int p = 0; p < 50; p++) {
                String text = word(r, 6);
                int expected = CidrTrie.NONE;
                for (Map.Entry<String, Integer> e : ranked.entrySet()) {
                    boolean hit = reversed ? text.endsWith(e.getKey()) : text.startsWith(e.getKey());
                    if (hit) {
                        expected = Math.min(expected, e.getValue());
                    }
                }
                int exp = expected;
                assertEquals(exp != CidrTrie.NONE, set.matches(text), () -> values + " " + reversed + " '" + text + "'");
                assertEquals(exp, ranks.first(text), () -> ranked + " " + reversed + " '" + text + "'");
            }
        }
    }

    @Test
    void emptyValueMatchesEverything() {
        PrefixTrie t = new PrefixTrie(Map.of("", 3, "/a", 1), false);
        assertEquals(3, t.first("/b"));
        assertEquals(1, t.first("/a/x"));
        assertEquals(3, t.first(""));
    }
}
