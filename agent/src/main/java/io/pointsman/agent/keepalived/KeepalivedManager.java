package io.pointsman.agent.keepalived;

import io.pointsman.agent.system.AtomicFiles;
import io.pointsman.agent.system.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(15);

    private final String keepalivedBinary;

    /** @param keepalivedBinary the keepalived executable for {@code -t}; null = look it up on PATH */
    public KeepalivedManager(String keepalivedBinary) {
        this.keepalivedBinary = keepalivedBinary != null ? keepalivedBinary : Command.find("keepalived");
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
            if (checkScriptPath != null && checkScript != null && !checkScript.equals(AtomicFiles.read(checkScriptPath))) {
                AtomicFiles.writeExecutable(checkScriptPath, checkScript);
            }
            String previous = AtomicFiles.read(configPath);
            if (rendered.equals(previous)) {
                return new Outcome(false, false, false, "keepalived.conf unchanged", previous);
            }
            boolean tested = false;
            if (keepalivedBinary != null) {
                // Tested under a name of its own, so a refused text never sits at configPath.
                Path candidate = configPath.resolveSibling(configPath.getFileName() + ".pointsman-test");
                AtomicFiles.write(candidate, rendered);
                Command.Result t;
                try {
                    t = run(List.of(keepalivedBinary, "-t", "-f", candidate.toString()));
                } finally {
                    Files.deleteIfExists(candidate);
                }
                tested = true;
                if (!t.ok()) {
                    throw new KeepalivedException("keepalived -t rejected the rendered config (exit " + t.exitCode() + "): "
                            + t.output().replace(candidate.toString(), configPath.toString()).trim());
                }
            }
            AtomicFiles.write(configPath, rendered);
            String reloadMessage;
            try {
                reloadMessage = reload(pidFile, reloadCommand);
            } catch (KeepalivedException e) {
                AtomicFiles.restore(configPath, previous);
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
            AtomicFiles.restore(configPath, outcome.previous());
        } catch (IOException e) {
            throw new KeepalivedException("cannot restore " + configPath + ": " + e.getMessage(), e);
        }
        reload(pidFile, reloadCommand);
    }

    /** The track_file's text: {@code 0} while serving; anything else makes Keepalived give up the VIP. */
    public static String trackFileValue(boolean serving) {
        return serving ? "0\n" : "1\n";
    }

    /**
     * Writes the agent's track_file: {@code 0} while serving, {@code 1} to make Keepalived
     * give up the VIP now. Atomic (rename), so Keepalived never reads a half-written value.
     */
    public void writeTrackFile(Path file, boolean serving) throws KeepalivedException {
        String value = trackFileValue(serving);
        try {
            if (!value.equals(AtomicFiles.read(file))) {
                AtomicFiles.write(file, value);
            }
        } catch (IOException e) {
            throw new KeepalivedException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return null when Keepalived was told, else why it was not (not running yet: not a failure) */
    private String reload(Path pidFile, String reloadCommand) throws KeepalivedException {
        if (reloadCommand != null && !reloadCommand.isBlank()) {
            Command.Result r = run(List.of("/bin/sh", "-c", reloadCommand));
            if (!r.ok()) {
                throw new KeepalivedException("reload command failed (exit " + r.exitCode() + "): " + r.output().trim());
            }
            return null;
        }
        if (pidFile == null || !Files.isRegularFile(pidFile)) {
            return "Keepalived not reloaded: no pid file " + (pidFile == null ? "configured" : pidFile) + " (not running yet?)";
        }
        String pid;
        try {
            pid = Files.readString(pidFile).trim();
        } catch (IOException e) {
            return "Keepalived not reloaded: cannot read " + pidFile;
        }
        if (!pid.matches("\\d+") || !ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
            return "Keepalived not reloaded: pid file " + pidFile + " names no running process";
        }
        Command.Result r = run(List.of("kill", "-HUP", pid));
        if (!r.ok()) {
            throw new KeepalivedException("cannot signal Keepalived (pid " + pid + "): " + r.output().trim());
        }
        return null;
    }

    private static Command.Result run(List<String> command) throws KeepalivedException {
        try {
            return Command.run(command, PROCESS_TIMEOUT);
        } catch (Command.Failed e) {
            throw new KeepalivedException(e.getMessage(), e);
        }
    }

    public boolean canTest() {
        return keepalivedBinary != null;
    }
}
