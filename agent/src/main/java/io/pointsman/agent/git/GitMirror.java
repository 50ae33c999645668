package io.pointsman.agent.git;

import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local bare mirror of the config repo ({@code state-dir/repo.git}).
 *
 * <p>The agent asks the remote for the branch head ({@link #remoteHead()}, like
 * {@code git ls-remote}) every poll, and fetches ({@link #fetch()}) only when it moved. The
 * fetch forces every branch ({@code +refs/heads/*:refs/remotes/origin/*}) so a force-push is
 * followed. The last applied commit is pinned by {@value #LAST_GOOD_REF}, so it stays in the
 * clone (and is served at the next start) even when the remote rewrote history or is gone.
 *
 * <p>All methods block on disk and network. Local reads are synchronized (the sync thread and
 * the status API's {@code /diff} may both read); network steps are not, so a stuck remote never
 * holds the clone, and each runs under a deadline (see {@link #network}).
 */
public final class GitMirror implements AutoCloseable {
    public static final String LAST_GOOD_REF = "refs/pointsman/last-good";
    /** Where {@link #fetchRevision} keeps what it fetched by id or by {@code refs/…} name. */
    static final String FETCHED_REFS = "refs/pointsman/fetched/";
    private static final Logger log = LoggerFactory.getLogger(GitMirror.class);

    private final String remoteUrl;
    private final String branch;
    private final Path gitDir;
    private final RemoteAuth auth;
    private final int timeoutSeconds;
    private final Duration lsRemoteDeadline;
    private final Duration fetchDeadline;
    /**
     * Network steps run here, bounded by a deadline of their own: JGit's timeout does not end
     * every stall (a git:// server that accepts and then says nothing blocks a socket read that
     * neither the timeout nor an interrupt ends). A step past its deadline is abandoned on its
     * thread, which ends when the connection does; the next step gets a fresh thread.
     */
    private final ExecutorService network;
    private Repository repo;

    /**
     * @param remoteUrl file://, a plain path, git://, http(s):// or ssh:// (may carry userinfo;
     *                  it is never shown: see {@link #displayUrl()})
     * @param timeout   for every network step (ls-remote, fetch); JGit counts whole seconds
     */
    public GitMirror(String remoteUrl, String branch, Path gitDir, RemoteAuth auth, Duration timeout) {
        this.remoteUrl = remoteUrl;
        this.branch = branch;
        this.gitDir = gitDir;
        this.auth = auth;
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        // ls-remote is a few round trips; a fetch may stream a large pack, each read within the timeout.
        this.lsRemoteDeadline = Duration.ofSeconds(2L * timeoutSeconds + 1);
        this.fetchDeadline = Duration.ofSeconds(Math.max(60, 10L * timeoutSeconds));
        AtomicInteger n = new AtomicInteger();
        this.network = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pointsman-git-net-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public String displayUrl() {
        return RemoteUrls.strip(remoteUrl);
    }

    public String branch() {
        return branch;
    }

    public Path gitDir() {
        return gitDir;
    }

    /** The remote branch head, asked without fetching. */
    public ObjectId remoteHead() throws GitSyncException {
        Collection<Ref> refs = bounded("ls-remote", lsRemoteDeadline, this::lsRemote);
        String name = Constants.R_HEADS + branch;
        for (Ref r : refs) {
            if (r.getName().equals(name)) {
                return r.getObjectId();
            }
        }
        throw new GitSyncException(GitSyncException.Kind.BRANCH_NOT_FOUND,
                "branch '" + branch + "' not found on " + displayUrl());
    }

    private Collection<Ref> lsRemote() throws GitSyncException {
        LsRemoteCommand cmd = auth.configure(Git.lsRemoteRepository())
                .setRemote(remoteUrl).setHeads(true).setTimeout(timeoutSeconds);
        try {
            return cmd.call();
        } catch (InvalidRemoteException e) {
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE,
                    "no git repository at " + displayUrl() + ": " + clean(e), e);
        } catch (GitAPIException | RuntimeException e) {
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE,
                    "ls-remote of " + displayUrl() + " failed: " + clean(e), e);
        }
    }

    /** Runs a network step on the network pool and gives up on it at {@code deadline}. */
    private <T> T bounded(String step, Duration deadline, NetworkStep<T> work) throws GitSyncException {
        Future<T> f;
        try {
            f = network.submit(work::run);
        } catch (RejectedExecutionException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO, "git mirror of " + displayUrl() + " is closed");
        }
        try {
            return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE,
                    step + " from " + displayUrl() + " did not finish within " + deadline.toSeconds()
                            + "s (remote too slow or not answering)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof GitSyncException g) {
                throw g;
            }
            throw new GitSyncException(GitSyncException.Kind.FETCH_FAILED, step + " from " + displayUrl() + " failed: " + clean(c), c);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE, step + " from " + displayUrl() + " interrupted", e);
        }
    }

    @FunctionalInterface
    private interface NetworkStep<T> {
        T run() throws GitSyncException;
    }

    /** The branch head as last fetched, or null before the first fetch. */
    public synchronized ObjectId localHead() throws GitSyncException {
        if (!Files.isDirectory(gitDir)) {
            return null;
        }
        try {
            Ref r = repository().exactRef(trackingRef());
            return r == null ? null : r.getObjectId();
        } catch (IOException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO, "cannot read refs in " + gitDir + ": " + e, e);
        }
    }

    /** Fetches every branch, forced, into the clone (creating it when missing); returns the branch head. */
    public ObjectId fetch() throws GitSyncException {
        Repository r = openRepository();
        bounded("fetch", fetchDeadline, () -> fetchInto(r));
        ObjectId head = localHead();
        if (head == null) {
            throw new GitSyncException(GitSyncException.Kind.BRANCH_NOT_FOUND,
                    "branch '" + branch + "' not found on " + displayUrl() + " after fetch");
        }
        return head;
    }

    private synchronized Repository openRepository() throws GitSyncException {
        return repository();
    }

    private Void fetchInto(Repository r) throws GitSyncException {
        try (Git git = new Git(r)) {
            auth.configure(git.fetch())
                    .setRemote(remoteUrl)
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
                    .setRemoveDeletedRefs(true)
                    .setTimeout(timeoutSeconds)
                    .call();
        } catch (InvalidRemoteException e) {
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE,
                    "no git repository at " + displayUrl() + ": " + clean(e), e);
        } catch (TransportException e) {
            GitSyncException.Kind kind = isLocalCorruption(e)
                    ? GitSyncException.Kind.CORRUPT_CLONE : GitSyncException.Kind.FETCH_FAILED;
            throw new GitSyncException(kind, "fetch from " + displayUrl() + " failed: " + clean(e), e);
        } catch (GitAPIException | RuntimeException e) {
            GitSyncException.Kind kind = isLocalCorruption(e)
                    ? GitSyncException.Kind.CORRUPT_CLONE : GitSyncException.Kind.FETCH_FAILED;
            throw new GitSyncException(kind, "fetch from " + displayUrl() + " failed: " + clean(e), e);
        }
        return null;
    }

    /**
     * Checks that a commit and every tree and blob it holds are present and readable (an fsck
     * of one commit). Config repos are small, so this is cheap enough to run after every fetch.
     */
    public synchronized void verify(ObjectId commit) throws GitSyncException {
        try (RevWalk rw = new RevWalk(repository()); ObjectReader reader = repository().newObjectReader()) {
            RevCommit c = rw.parseCommit(commit);
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(c.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                        reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getSize();
                    }
                }
            }
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new GitSyncException(GitSyncException.Kind.CORRUPT_CLONE,
                    "local clone " + gitDir + " is damaged at commit " + commit.name() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new GitSyncException(GitSyncException.Kind.CORRUPT_CLONE,
                    "local clone " + gitDir + " cannot read commit " + commit.name() + ": " + e, e);
        }
    }

    /** True when the commit is fully present in the clone. */
    public synchronized boolean has(ObjectId commit) {
        if (!Files.isDirectory(gitDir)) {
            return false;
        }
        try {
            verify(commit);
            return true;
        } catch (GitSyncException e) {
            return false;
        }
    }

    /**
     * Reads what Pointsman needs at a commit: {@code proxy.yaml}, {@code hosts/<node>.yaml}
     * (every host file when node is null) and {@code tests/*.yaml}.
     */
    public synchronized ConfigFiles read(ObjectId commit, String node) throws GitSyncException {
        try {
            return CommitFiles.read(repository(), commit, "", node == null ? null : ConfigFiles.hostFile(node));
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new GitSyncException(GitSyncException.Kind.CORRUPT_CLONE,
                    "local clone " + gitDir + " is damaged at commit " + commit.name() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO,
                    "cannot read commit " + commit.name() + " from " + gitDir + ": " + e, e);
        }
    }

    /**
     * SPEC §5.9: why the commits from {@code since} (exclusive; the last applied one, or null)
     * to {@code head} may not be applied under {@code keys}, or null when every one of them is
     * signed by a trusted key.
     */
    public synchronized String signatureProblem(ObjectId head, ObjectId since, TrustedKeys keys) throws GitSyncException {
        try {
            return keys.check(repository(), head, since);
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new GitSyncException(GitSyncException.Kind.CORRUPT_CLONE,
                    "local clone " + gitDir + " is damaged below commit " + head.name() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO,
                    "cannot check signatures of " + head.name() + " in " + gitDir + ": " + e, e);
        }
    }

    /**
     * Resolves what a user may pass to {@code /diff?revision=}: {@code main@sha1:<hex>}, a commit id
     * (full or abbreviated), or a branch name as last fetched. Null when unknown here.
     */
    public synchronized ObjectId resolve(String what) throws GitSyncException {
        String w = plainName(what);
        if (w == null || !Files.isDirectory(gitDir)) {
            return null;
        }
        try {
            ObjectId id = repository().resolve("refs/remotes/origin/" + w + "^{commit}");
            if (id == null && w.startsWith("refs/")) {
                id = repository().resolve(FETCHED_REFS + w.substring("refs/".length()) + "^{commit}");
            }
            if (id == null && w.matches("[0-9a-fA-F]{4,40}")) {
                id = repository().resolve(w + "^{commit}");
            }
            return id != null && repository().getObjectDatabase().has(id) ? id : null;
        } catch (MissingObjectException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO, "cannot resolve '" + what + "' in " + gitDir + ": " + e, e);
        }
    }

    /**
     * Fetches what {@link #resolve} did not find, so {@code /diff} can preview a revision the
     * node has not polled yet: every branch (a new branch, or a commit on one), then, for a
     * full commit id or a {@code refs/…} name (e.g. GitHub's {@code refs/pull/12/head}), that
     * one object or ref into {@code refs/pointsman/fetched/}. Bounded by the fetch timeout.
     * Returns quietly when the remote has no such thing ({@link #resolve} then says unknown).
     */
    public ObjectId fetchRevision(String what) throws GitSyncException {
        String w = plainName(what);
        if (w == null) {
            return null;
        }
        fetch();
        ObjectId id = resolve(w);
        if (id != null) {
            return id;
        }
        String refSpec;
        if (w.startsWith("refs/")) {
            refSpec = "+" + w + ":" + FETCHED_REFS + w.substring("refs/".length());
        } else if (w.matches("[0-9a-fA-F]{40}")) {
            refSpec = w + ":" + FETCHED_REFS + "commits/" + w.toLowerCase(java.util.Locale.ROOT);
        } else {
            return null;
        }
        Repository r = openRepository();
        try {
            bounded("fetch " + w, fetchDeadline, () -> fetchRefSpec(r, refSpec));
        } catch (GitSyncException e) {
            if (e.kind() == GitSyncException.Kind.REMOTE_UNREACHABLE) {
                throw e;
            }
            log.info("{} could not be fetched from {}: {}", w, displayUrl(), e.getMessage());
            return null;
        }
        return resolve(w);
    }

    private Void fetchRefSpec(Repository r, String refSpec) throws GitSyncException {
        try (Git git = new Git(r)) {
            auth.configure(git.fetch()).setRemote(remoteUrl).setRefSpecs(new RefSpec(refSpec))
                    .setTimeout(timeoutSeconds).call();
        } catch (GitAPIException | RuntimeException e) {
            throw new GitSyncException(GitSyncException.Kind.FETCH_FAILED, "fetch from " + displayUrl() + " failed: "
                    + clean(e), e);
        }
        return null;
    }

    /** User input from {@code /diff}: a branch name, {@code refs/…} or hex id; no revision expressions. Else null. */
    private static String plainName(String what) {
        if (what == null || what.isBlank()) {
            return null;
        }
        String w = what.strip();
        int at = w.indexOf("@sha1:");
        if (at >= 0) {
            w = w.substring(at + 6);
        }
        if (!w.matches("[A-Za-z0-9._/-]{1,200}") || w.contains("..") || w.startsWith("/") || w.endsWith("/")
                || w.endsWith(".lock")) {
            return null;
        }
        return w;
    }

    /** Pins a commit so it survives force-pushes and gc; it is what the next start applies first. */
    public synchronized void markLastGood(ObjectId commit) throws GitSyncException {
        try {
            RefUpdate u = repository().updateRef(LAST_GOOD_REF);
            u.setNewObjectId(commit);
            u.setForceUpdate(true);
            RefUpdate.Result r = u.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED
                    && r != RefUpdate.Result.NO_CHANGE && r != RefUpdate.Result.FAST_FORWARD) {
                throw new GitSyncException(GitSyncException.Kind.LOCAL_IO,
                        "cannot update " + LAST_GOOD_REF + " in " + gitDir + ": " + r);
            }
        } catch (IOException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO,
                    "cannot update " + LAST_GOOD_REF + " in " + gitDir + ": " + e, e);
        }
    }

    /** The commit pinned by {@link #markLastGood}, or null (no clone, no pin). */
    public synchronized ObjectId pinnedLastGood() {
        if (!Files.isDirectory(gitDir) || !Files.exists(gitDir.resolve("HEAD"))) {
            return null;
        }
        try {
            Ref r = repository().exactRef(LAST_GOOD_REF);
            return r == null ? null : r.getObjectId();
        } catch (IOException | GitSyncException e) {
            return null;
        }
    }

    /**
     * Throws the damaged clone away and clones again. Keeps the pin of the last good commit when
     * the remote still has it; when it does not, the pin is lost with the damaged objects.
     */
    public synchronized ObjectId repair() throws GitSyncException {
        log.warn("re-cloning damaged local clone {} from {}", gitDir, displayUrl());
        closeRepository();
        moveAsideAndDelete(gitDir);
        return fetch();
    }

    private Repository repository() throws GitSyncException {
        if (repo == null) {
            try {
                if (!Files.isDirectory(gitDir) || !Files.exists(gitDir.resolve("HEAD"))) {
                    Files.createDirectories(gitDir);
                    Git.init().setBare(true).setInitialBranch(branch).setDirectory(gitDir.toFile()).call().close();
                }
                try {
                    repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
                } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
                    // Half a clone (a crash while cloning, a partial delete): start again from empty.
                    log.warn("local clone {} is unusable ({}); starting a new one", gitDir, e.getMessage());
                    moveAsideAndDelete(gitDir);
                    Files.createDirectories(gitDir);
                    Git.init().setBare(true).setInitialBranch(branch).setDirectory(gitDir.toFile()).call().close();
                    repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
                }
            } catch (IOException | GitAPIException e) {
                throw new GitSyncException(GitSyncException.Kind.LOCAL_IO, "cannot open local clone " + gitDir + ": " + e, e);
            }
        }
        return repo;
    }

    private String trackingRef() {
        return "refs/remotes/origin/" + branch;
    }

    private static boolean isLocalCorruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MissingObjectException || t instanceof CorruptObjectException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("Missing unknown") || m.contains("missing object")
                    || m.contains("Missing commit") || m.contains("Missing tree") || m.contains("Missing blob"))) {
                return true;
            }
        }
        return false;
    }

    /** The exception's message chain, with any credentials of the remote URL removed. */
    private String clean(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        String out = RemoteUrls.scrub(sb.toString(), remoteUrl);
        String secret = auth.secret();
        return secret == null || secret.isEmpty() ? out : out.replace(secret, "<redacted>");
    }

    /**
     * Renames the clone away first (atomic: the next open sees no clone, never half of one),
     * then deletes the renamed copy best-effort; JGit's background gc may still be writing into it.
     */
    private static void moveAsideAndDelete(Path dir) throws GitSyncException {
        if (!Files.exists(dir)) {
            return;
        }
        Path aside = dir.resolveSibling(dir.getFileName() + ".damaged-" + System.currentTimeMillis());
        try {
            Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GitSyncException(GitSyncException.Kind.LOCAL_IO, "cannot move damaged clone " + dir + " aside: " + e, e);
        }
        for (int attempt = 0; attempt < 3 && Files.exists(aside); attempt++) {
            try (Stream<Path> s = Files.walk(aside)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                log.debug("deleting {} (attempt {}): {}", aside, attempt + 1, e.toString());
            }
        }
        if (Files.exists(aside)) {
            log.warn("could not delete damaged clone {}; remove it by hand", aside);
        }
    }

    private void closeRepository() {
        if (repo != null) {
            repo.close();
            repo = null;
        }
    }

    @Override
    public synchronized void close() {
        network.shutdownNow();
        closeRepository();
        auth.close();
    }
}
