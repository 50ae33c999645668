package io.pointsman.agent.git;

/**
 * A git step failed. The {@link Kind} says which, so the sync engine can decide between
 * "report and keep the last good config", "repair the clone" and "back off". Messages never
 * hold remote credentials.
 */
public final class GitSyncException extends Exception {
    public enum Kind {
        /** ls-remote or fetch could not reach the remote, or it timed out. */
        REMOTE_UNREACHABLE,
        /** The remote answered but has no such branch (deleted or never pushed). */
        BRANCH_NOT_FOUND,
        /** The remote was reached but the fetch itself failed. */
        FETCH_FAILED,
        /** The local clone misses or has corrupt objects for a commit. */
        CORRUPT_CLONE,
        /** Local disk trouble reading the clone. */
        LOCAL_IO
    }

    private final Kind kind;

    public GitSyncException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public GitSyncException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
