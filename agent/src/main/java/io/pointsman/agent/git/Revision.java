package io.pointsman.agent.git;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One commit of the config branch, as shown in status and history:
 * {@code main@sha1:<40 hex>}. The branch is kept so a reader sees which line the commit
 * came from even after the branch moved or was force-pushed.
 */
public record Revision(String branch, String commit) {
    private static final Pattern FORM = Pattern.compile("(.+)@sha1:([0-9a-f]{40})");

    public Revision {
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(commit, "commit");
        if (!ObjectId.isId(commit)) {
            throw new IllegalArgumentException("not a 40-hex commit id: '" + commit + "'");
        }
        commit = commit.toLowerCase(java.util.Locale.ROOT);
    }

    public static Revision of(String branch, ObjectId id) {
        return new Revision(branch, id.name());
    }

    /** Parses {@code main@sha1:<40 hex>}; null for null. */
    public static Revision parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a revision (want BRANCH@sha1:<40 hex>): '" + text + "'");
        }
        return new Revision(m.group(1), m.group(2));
    }

    public ObjectId objectId() {
        return ObjectId.fromString(commit);
    }

    /** The 7-character abbreviation, as on the stats page. */
    public String shortCommit() {
        return commit.substring(0, 7);
    }

    @Override
    public String toString() {
        return branch + "@sha1:" + commit;
    }
}
