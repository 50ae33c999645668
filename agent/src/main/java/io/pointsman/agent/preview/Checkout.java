package io.pointsman.agent.preview;

import io.pointsman.agent.git.CommitFiles;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The git repository a config directory lives in (a user's checkout, a CI workspace), opened
 * with JGit: resolve revisions the way {@code git} does ({@code HEAD}, {@code origin/main},
 * {@code HEAD~1}, a commit id), read the config at one, count commits between two. The
 * directory may be a subdirectory of the repository.
 */
public final class Checkout implements AutoCloseable {
    private final Repository repo;
    /** The config directory relative to the work tree, {@code ""} or {@code dir/}. */
    private final String prefix;

    private Checkout(Repository repo, String prefix) {
        this.repo = repo;
        this.prefix = prefix;
    }

    /** The repository that holds {@code dir}, or null when it is in none. */
    public static Checkout find(Path dir) throws IOException {
        FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toAbsolutePath().toFile());
        if (b.getGitDir() == null) {
            return null;
        }
        Repository repo = b.setMustExist(true).build();
        String prefix = "";
        if (!repo.isBare()) {
            Path top = repo.getWorkTree().toPath().toRealPath();
            Path rel = top.relativize(dir.toRealPath());
            prefix = rel.toString().isEmpty() ? "" : rel.toString().replace('\\', '/') + "/";
        }
        return new Checkout(repo, prefix);
    }

    /** A commit by any name git accepts, or null when there is none. */
    public ObjectId resolve(String revision) throws IOException {
        try {
            return repo.resolve(revision + "^{commit}");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.AmbiguousObjectException e) {
            return null;
        }
    }

    public ConfigFiles read(ObjectId commit) throws IOException {
        return CommitFiles.read(repo, commit, prefix, null);
    }

    /**
     * Commits reachable from {@code head} and not from {@code base} (how far {@code base} is
     * behind), or -1 when {@code base} is not in this repository.
     */
    public int commitsBetween(ObjectId base, ObjectId head) throws IOException {
        if (!repo.getObjectDatabase().has(base)) {
            return -1;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            walk.markUninteresting(walk.parseCommit(base));
            int n = 0;
            for (RevCommit ignored : walk) {
                n++;
            }
            return n;
        }
    }

    /** The oldest commit reachable from {@code head} and not from {@code base}, or null. */
    public RevCommit oldestMissing(ObjectId base, ObjectId head) throws IOException {
        if (!repo.getObjectDatabase().has(base)) {
            return null;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            walk.markUninteresting(walk.parseCommit(base));
            RevCommit last = null;
            for (RevCommit c : walk) {
                if (last == null || c.getCommitTime() < last.getCommitTime()) {
                    last = c;
                }
            }
            return last;
        }
    }

    /** Whether {@code commit} is an ancestor of (or equal to) {@code head}. */
    public boolean isAncestor(ObjectId commit, ObjectId head) throws IOException {
        if (!repo.getObjectDatabase().has(commit)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(head));
        }
    }

    public Repository repository() {
        return repo;
    }

    @Override
    public void close() {
        repo.close();
    }
}
