package io.pointsman.proxy.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of strings answering "does one of them start (or end) this text" in one walk
 * over the text, whatever the number of strings: used for {@code path_beg} (forward)
 * and {@code path_end} (built over reversed suffixes, walked backwards). Each string
 * may carry a rank; {@link #first} gives the smallest rank among the strings that
 * start (end) the text, which is how {@link RuleIndex} finds the earliest matching rule.
 *
 * <p>Each node keeps its outgoing characters sorted, so a step is a binary search.
 * Immutable after construction; lookups allocate nothing.
 */
final class PrefixTrie {
    private final char[][] keys;
    private final int[][] next;
    /** Smallest rank of a string ending at this node, or {@link CidrTrie#NONE}. */
    private final int[] rank;
    private final boolean reversed;

    /**
     * @param values   the prefixes (or, when {@code reversed}, the suffixes)
     * @param reversed match suffixes: values are stored backwards and text is walked from its end
     */
    PrefixTrie(Collection<String> values, boolean reversed) {
        this(ranked(values), reversed);
    }

    private static Map<String, Integer> ranked(Collection<String> values) {
        Map<String, Integer> m = new HashMap<>();
        for (String v : values) {
            m.put(v, 0);
        }
        return m;
    }

    /**
     * @param ranked   each prefix (suffix) with its rank (&gt;= 0, smaller wins)
     * @param reversed match suffixes: values are stored backwards and text is walked from its end
     */
    PrefixTrie(Map<String, Integer> ranked, boolean reversed) {
        this.reversed = reversed;
        // Built from the sorted strings straight into the arrays: a node is a range of
        // strings sharing a prefix, its children the runs of equal next characters.
        String[] words = new String[ranked.size()];
        Map<String, Integer> rankOf = reversed ? new HashMap<>() : ranked;
        int i = 0;
        for (Map.Entry<String, Integer> e : ranked.entrySet()) {
            String w = reversed ? backwards(e.getKey()) : e.getKey();
            words[i++] = w;
            if (reversed) {
                rankOf.put(w, e.getValue());
            }
        }
        Arrays.sort(words);
        Builder b = new Builder(words, rankOf);
        b.node(0, words.length, 0);
        keys = b.keys.toArray(new char[0][]);
        next = b.next.toArray(new int[0][]);
        rank = Arrays.copyOf(b.rank, b.size);
    }

    /** The chars of {@code s} last to first, as {@link #first} walks a text (surrogate pairs included). */
    private static String backwards(String s) {
        char[] c = new char[s.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = s.charAt(c.length - 1 - i);
        }
        return new String(c);
    }

    private static final class Builder {
        final String[] words;
        final Map<String, Integer> rankOf;
        final List<char[]> keys = new ArrayList<>();
        final List<int[]> next = new ArrayList<>();
        int[] rank = new int[16];
        int size;

        Builder(String[] words, Map<String, Integer> rankOf) {
            this.words = words;
            this.rankOf = rankOf;
        }

        /** Builds the node of words[lo, hi), which share their first {@code depth} characters; returns its index. */
        int node(int lo, int hi, int depth) {
            int index = size++;
            if (index == rank.length) {
                rank = Arrays.copyOf(rank, index * 2);
            }
            keys.add(null);
            next.add(null);
            int r = CidrTrie.NONE;
            // Sorted: a word that ends here (at most one, words are distinct) comes first.
            if (lo < hi && words[lo].length() == depth) {
                r = rankOf.get(words[lo]);
                lo++;
            }
            rank[index] = r;
            int groups = 0;
            for (int i = lo; i < hi; i++) {
                if (i == lo || words[i].charAt(depth) != words[i - 1].charAt(depth)) {
                    groups++;
                }
            }
            char[] k = new char[groups];
            int[] nx = new int[groups];
            int g = 0;
            for (int start = lo; start < hi; ) {
                char c = words[start].charAt(depth);
                int end = start + 1;
                while (end < hi && words[end].charAt(depth) == c) {
                    end++;
                }
                k[g] = c;
                nx[g] = node(start, end, depth + 1);
                g++;
                start = end;
            }
            keys.set(index, k);
            next.set(index, nx);
            return index;
        }
    }

    /** Whether one of the values is a prefix (suffix, when reversed) of {@code text}. */
    boolean matches(String text) {
        int node = 0;
        int len = text.length();
        for (int i = 0; ; i++) {
            if (rank[node] != CidrTrie.NONE) {
                return true;
            }
            if (i == len) {
                return false;
            }
            char c = reversed ? text.charAt(len - 1 - i) : text.charAt(i);
            int at = Arrays.binarySearch(keys[node], c);
            if (at < 0) {
                return false;
            }
            node = next[node][at];
        }
    }

    /** The smallest rank of the values that start (end) {@code text}, or {@link CidrTrie#NONE}. */
    int first(String text) {
        int node = 0;
        int best = rank[0];
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = reversed ? text.charAt(len - 1 - i) : text.charAt(i);
            int at = Arrays.binarySearch(keys[node], c);
            if (at < 0) {
                break;
            }
            node = next[node][at];
            best = Math.min(best, rank[node]);
        }
        return best;
    }
}
