package io.pointsman.proxy.routing;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of strings answering "does one of them start (or end) this text" in one walk
 * over the text, whatever the number of strings: used for {@code path_beg} (forward)
 * and {@code path_end} (built over reversed suffixes, walked backwards).
 *
 * <p>Each node keeps its outgoing characters sorted, so a step is a binary search.
 * Immutable after construction; lookups allocate nothing.
 */
final class PrefixTrie {
    private final char[][] keys;
    private final int[][] next;
    private final boolean[] terminal;
    private final boolean reversed;

    /**
     * @param values   the prefixes (or, when {@code reversed}, the suffixes)
     * @param reversed match suffixes: values are stored backwards and text is walked from its end
     */
    PrefixTrie(Collection<String> values, boolean reversed) {
        this.reversed = reversed;
        Node root = new Node();
        int count = 1;
        for (String v : values) {
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
            n.terminal = true;
        }
        keys = new char[count][];
        next = new int[count][];
        terminal = new boolean[count];
        freeze(root, 0, new int[] {1});
    }

    private int freeze(Node n, int index, int[] nextFree) {
        terminal[index] = n.terminal;
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
            if (terminal[node]) {
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

    private static final class Node {
        final TreeMap<Character, Node> children = new TreeMap<>();
        boolean terminal;
    }
}
