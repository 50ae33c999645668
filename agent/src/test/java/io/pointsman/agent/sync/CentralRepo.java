package io.pointsman.agent.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real central config repo for tests, driven by the real {@code git} CLI: a bare repo
 * ({@code central.git}) and a working clone that commits and pushes to it.
 */
public final class CentralRepo {
    private final Path root;
    private final Path bare;
    private final Path work;

    private CentralRepo(Path root) {
        this.root = root;
        this.bare = root.resolve("central.git");
        this.work = root.resolve("work");
    }

    public static CentralRepo create(Path root) throws IOException {
        CentralRepo r = new CentralRepo(root);
        Files.createDirectories(root);
        git(root, "init", "-q", "--bare", "-b", "main", r.bare.toString());
        git(root, "init", "-q", "-b", "main", r.work.toString());
        r.git("remote", "add", "origin", r.bare.toString());
        return r;
    }

    public Path bare() {
        return bare;
    }

    public Path root() {
        return root;
    }

    /** {@code file:///…/central.git}. */
    public String url() {
        return bare.toUri().toString();
    }

    public CentralRepo write(String path, String content) throws IOException {
        Path p = work.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return this;
    }

    /** Commits everything and pushes to main; returns the new commit id. */
    public String commitAndPush(String message) throws IOException {
        git("add", "-A");
        git("commit", "-q", "--allow-empty", "-m", message);
        git("push", "-q", "origin", "HEAD:main");
        return head();
    }

    /** Writes one file, commits and pushes. */
    public String push(String path, String content, String message) throws IOException {
        write(path, content);
        return commitAndPush(message);
    }

    public String revertAndPush(String commit) throws IOException {
        git("revert", "--no-edit", commit);
        git("push", "-q", "origin", "HEAD:main");
        return head();
    }

    /** Rewinds the working branch to {@code commit} (history rewrite). */
    public void resetHard(String commit) throws IOException {
        git("reset", "-q", "--hard", commit);
    }

    public void forcePush() throws IOException {
        git("push", "-q", "-f", "origin", "HEAD:main");
    }

    public void deleteRemoteBranch() throws IOException {
        git(root, "--git-dir=" + bare, "config", "receive.denyDeleteCurrent", "ignore");
        git("push", "-q", "origin", ":main");
    }

    public String head() throws IOException {
        return git("rev-parse", "HEAD").strip();
    }

    public String git(String... args) throws IOException {
        return git(work, args);
    }

    public static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("-c");
        cmd.add("user.name=Pointsman Test");
        cmd.add("-c");
        cmd.add("user.email=test@pointsman.invalid");
        cmd.add("-c");
        cmd.add("commit.gpgsign=false");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running git", e);
        }
    }
}
