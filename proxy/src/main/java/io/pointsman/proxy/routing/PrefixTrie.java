package io.pointsman.proxy.routing;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, Integer> m = new java.util.HashMap<>();
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
        Node root = new Node();
        int count = 1;
        for (Map.Entry<String, Integer> e : ranked.entrySet()) {
            String v = e.getKey();
            Node n = root;
            for (int i = 0; i < v.length(); i++) {
                char c = reversed ? v.charAt(v.length() - 1 - i) : v.charAt(i);
                Node child = n.children.get(c);
                if (child == null) {
                    child = new Node();
                    n.children.put(c, child);
                    count++;
                }
                n = child;
            }
            n.rank = Math.min(n.rank, e.getValue());
        }
        keys = new char[count][];
        next = new int[count][];
        rank = new int[count];
        freeze(root, 0, new int[] {1});
    }

    private int freeze(Node n, int index, int[] nextFree) {
        rank[index] = n.rank;
        char[] k = new char[n.children.size()];
        int[] nx = new int[k.length];
        int i = 0;
        for (Map.Entry<Character, Node> e : n.children.entrySet()) {
            k[i] = e.getKey();
            nx[i] = nextFree[0]++;
            i++;
        }
        keys[index] = k;
        next[index] = nx;
        i = 0;
        for (Node child : n.children.values()) {
            freeze(child, nx[i++], nextFree);
        }
        return index;
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

    private static final class Node {
        final TreeMap<Character, Node> children = new TreeMap<>();
        int rank = CidrTrie.NONE;
    }
}
