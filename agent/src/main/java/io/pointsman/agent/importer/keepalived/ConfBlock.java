package io.pointsman.agent.importer.keepalived;

import java.util.ArrayList;
import java.util.List;

/**
 * One keyword line of keepalived.conf with its words and, when it opens a {@code { … }}
 * block, the lines inside.
 */
public record ConfBlock(int line, String keyword, List<String> args, List<ConfBlock> children, boolean block) {

    public ConfBlock {
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    public String arg(int i) {
        return i < args.size() ? args.get(i) : null;
    }

    /** Children with this keyword. */
    public List<ConfBlock> all(String keyword) {
        List<ConfBlock> out = new ArrayList<>();
        for (ConfBlock c : children) {
            if (c.keyword.equals(keyword)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The last child with this keyword (Keepalived keeps the last), or null. */
    public ConfBlock get(String keyword) {
        ConfBlock found = null;
        for (ConfBlock c : children) {
            if (c.keyword.equals(keyword)) {
                found = c;
            }
        }
        return found;
    }
}
