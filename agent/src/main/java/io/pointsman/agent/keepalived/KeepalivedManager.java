package io.pointsman.agent.keepalived;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a rendered keepalived.conf in place and reloads Keepalived, atomically with
 * respect to the rest of an apply: {@link #apply} either leaves the new file in place
 * and Keepalived told, or restores the previous file and throws. {@link #restore}
 * puts the previous file back when a later step of the same apply fails.
 *
 * <p>Blocking (files, processes): call from the agent's sync thread, never an event loop.
 */
public final class KeepalivedManager {
    private static final Logger log = LoggerFactory.getLogger(KeepalivedManager.class);
    private static final long PROCESS_TIMEOUT_SECONDS = 15;

    private final String keepalivedBinary;

    /** @param keepalivedBinary the keepalived executable for {@code -t}; null = look it up on PATH */
    public KeepalivedManager(String keepalivedBinary) {
        this.keepalivedBinary = keepalivedBinary != null ? keepalivedBinary : findOnPath("keepalived");
    }

    /** What an apply did. */
    public record Outcome(boolean changed, boolean tested, boolean reloaded, String message, String previous) {}

    /**
     * @param configPath    where keepalived.conf goes
     * @param rendered      the new text
     * @param checkScript   path and text of the health-check script (null when not tracking)
     * @param pidFile       Keepalived's pid file for the default reload (SIGHUP); may be null
     * @param reloadCommand a shell command that reloads Keepalived instead of SIGHUP; may be null
     */
    public Outcome apply(Path configPath, String rendered, Path checkScriptPath, String checkScript, Path pidFile,
            String reloadCommand) throws KeepalivedException {
        try {
            if (checkScriptPath != null && checkScript != null) {
                writeScript(checkScriptPath, checkScript);
            }
            String previous = Files.exists(configPath) ? Files.readString(configPath, StandardCharsets.UTF_8) : null;
            if (rendered.equals(previous)) {
                return new Outcome(false, false, false, "keepalived.conf unchanged", previous);
            }
            Files.createDirectories(configPath.toAbsolutePath().getParent());
            Path temp = configPath.resolveSibling(configPath.getFileName() + ".pointsman-new");
            writeDurably(temp, rendered);
            boolean tested = false;
            if (keepalivedBinary != null) {
                Result t = run(List.of(keepalivedBinary, "-t", "-f", temp.toString()));
                tested = true;
                if (t.code != 0) {
                    Files.deleteIfExists(temp);
                    throw new KeepalivedException("keepalived -t rejected the rendered config (exit " + t.code + "): "
                            + t.output.replace(temp.toString(), configPath.toString()).trim());
                }
            }
            move(temp, configPath);
            String reloadMessage;
            try {
                reloadMessage = reload(pidFile, reloadCommand);
            } catch (KeepalivedException e) {
                restoreFile(configPath, previous);
                throw e;
            }
            boolean reloaded = reloadMessage == null;
            String message = "keepalived.conf written" + (tested ? " (keepalived -t ok)" : " (keepalived not installed: not tested)")
                    + (reloaded ? ", Keepalived reloaded" : ", " + reloadMessage);
            log.info("{}: {}", configPath, message);
            return new Outcome(true, tested, reloaded, message, previous);
        } catch (IOException e) {
            throw new KeepalivedException("cannot write " + configPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts back the file an earlier {@link #apply} replaced (a later step of the same
     * apply failed) and reloads Keepalived again.
     */
    public void restore(Path configPath, Outcome outcome, Path pidFile, String reloadCommand) throws KeepalivedException {
        if (!outcome.changed()) {
            return;
        }
        try {
            restoreFile(configPath, outcome.previous());
        } catch (IOException e) {
            throw new KeepalivedException("cannot restore " + configPath + ": " + e.getMessage(), e);
        }
        reload(pidFile, reloadCommand);
    }

    /**
     * Writes the agent's track_file: {@code 0} while serving, {@code 1} to make Keepalived
     * give up the VIP now. Atomic (rename), so Keepalived never reads a half-written value.
     */
    public void writeTrackFile(Path file, boolean serving) throws KeepalivedException {
        String value = serving ? "0\n" : "1\n";
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(value)) {
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".pointsman-new");
            writeDurably(temp, value);
            move(temp, file);
        } catch (IOException e) {
            throw new KeepalivedException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return null when Keepalived was told, else why it was not (not running yet: not a failure) */
    private String reload(Path pidFile, String reloadCommand) throws KeepalivedException {
        if (reloadCommand != null && !reloadCommand.isBlank()) {
            Result r = run(List.of("/bin/sh", "-c", reloadCommand));
            if (r.code != 0) {
                throw new KeepalivedException("reload command failed (exit " + r.code + "): " + r.output.trim());
            }
            return null;
        }
        if (pidFile == null || !Files.isRegularFile(pidFile)) {
            return "Keepalived not reloaded: no pid file " + (pidFile == null ? "configured" : pidFile) + " (not running yet?)";
        }
        String pid;
        try {
            pid = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "Keepalived not reloaded: cannot read " + pidFile;
        }
        if (!pid.matches("\\d+") || ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false) == false) {
            return "Keepalived not reloaded: pid file " + pidFile + " names no running process";
        }
        Result r = run(List.of("kill", "-HUP", pid));
        if (r.code != 0) {
            throw new KeepalivedException("cannot signal Keepalived (pid " + pid + "): " + r.output.trim());
        }
        return null;
    }

    private static void restoreFile(Path configPath, String previous) throws IOException {
        if (previous == null) {
            Files.deleteIfExists(configPath);
        } else {
            Path temp = configPath.resolveSibling(configPath.getFileName() + ".pointsman-restore");
            writeDurably(temp, previous);
            move(temp, configPath);
        }
    }

    private static void writeScript(Path path, String text) throws IOException {
        if (Files.exists(path) && Files.readString(path, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path temp = path.resolveSibling(path.getFileName() + ".pointsman-new");
        writeDurably(temp, text);
        // enable_script_security: the script must not be writable by anyone but its owner.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        move(temp, path);
    }

    static void writeDurably(Path path, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private record Result(int code, String output) {}

    private static Result run(List<String> command) throws KeepalivedException {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new KeepalivedException(command.get(0) + " did not finish within " + PROCESS_TIMEOUT_SECONDS + "s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new KeepalivedException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeepalivedException("interrupted while running " + command.get(0), e);
        }
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    public boolean canTest() {
        return keepalivedBinary != null;
    }
}
