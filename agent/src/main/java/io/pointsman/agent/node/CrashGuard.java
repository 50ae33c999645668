package io.pointsman.agent.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What takes this node out of traffic when the Pointsman process dies without a word
 * (SIGKILL, the OOM killer, a JVM crash): a small child process, {@code sh}, that waits on a
 * pipe only this process writes to. When the process dies, however it dies, the kernel
 * closes the pipe, the child reads end-of-file at once and carries out its will: writes
 * Keepalived's track file (the VIP moves) and BIRD's include with nothing announced, then
 * {@code birdc configure} (the routes are withdrawn). No polling, no name matching: the
 * child belongs to exactly this process, however many JVMs or Pointsman nodes share the
 * machine, and it works in any network namespace or container.
 *
 * <p>A planned stop withdraws in the agent itself and then {@link #disarm}s the guard
 * (it reads {@code stand-down} and exits without acting). The guard ignores SIGTERM, SIGINT
 * and SIGHUP: a service manager's stop signal to the whole group must not take it before
 * it has done its part. If the guard dies while this process runs, it is started again.
 */
public final class CrashGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrashGuard.class);

    /**
     * The guard, as {@code sh -c SCRIPT pointsman-crash-guard ACTION...}. Actions are
     * positional arguments, so no path or text is ever parsed as shell:
     * {@code put PATH TEXT} (in place, shell builtins only: no process to start first),
     * {@code write PATH TEXT} (atomic: temp file, rename) and {@code birdc BIRDC SOCKET}
     * ({@code birdc -s SOCKET configure}, at most 5 s). The message comes last: it is not
     * on the way to the node leaving traffic.
     */
    static final String SCRIPT = String.join("\n",
            "trap '' HUP INT TERM",
            "read -r word",
            "[ \"$word\" = stand-down ] && exit 0",
            "while [ $# -gt 0 ]; do",
            "  case \"$1\" in",
            "    put) printf '%s' \"$3\" > \"$2\"; shift 3 ;;",
            "    write) printf '%s' \"$3\" > \"$2.pointsman-guard\" && mv -f \"$2.pointsman-guard\" \"$2\"; shift 3 ;;",
            "    birdc) timeout 5 \"$2\" -s \"$3\" configure >/dev/null 2>&1"
                    + " || echo \"pointsman crash guard: birdc -s $3 configure failed\" >&2; shift 3 ;;",
            "    *) shift ;;",
            "  esac",
            "done",
            "echo \"pointsman crash guard: process $PPID is gone; took the node out of traffic\" >&2",
            "");
    static final String NAME = "pointsman-crash-guard";
    private static final String STAND_DOWN = "stand-down\n";

    /** What the guard does when this process is gone, in order. */
    public record Will(List<String> actions) {
        public static final Will NOTHING = new Will(List.of());

        public Will {
            actions = List.copyOf(actions);
        }

        /**
         * Write {@code text} into {@code file} in place: for a small value a reader takes on
         * close (Keepalived watches its track files for IN_CLOSE_WRITE), where starting
         * {@code mv} would cost time while the node is still in traffic.
         */
        public Will put(Path file, String text) {
            List<String> a = new ArrayList<>(actions);
            a.addAll(List.of("put", file.toString(), text));
            return new Will(a);
        }

        /** Replace {@code file} with {@code text} atomically (temp file, rename). */
        public Will write(Path file, String text) {
            List<String> a = new ArrayList<>(actions);
            a.addAll(List.of("write", file.toString(), text));
            return new Will(a);
        }

        /** {@code birdc -s socket configure}. */
        public Will birdcConfigure(String birdc, Path socket) {
            List<String> a = new ArrayList<>(actions);
            a.addAll(List.of("birdc", birdc, socket.toString()));
            return new Will(a);
        }

        public boolean isEmpty() {
            return actions.isEmpty();
        }
    }

    private final String node;
    private Will will = Will.NOTHING;
    private volatile Process guard;
    private boolean closed;

    public CrashGuard(String node) {
        this.node = node;
    }

    /** Makes {@code next} the will; starts a new guard before the old one stands down, so there is no gap. */
    public synchronized void arm(Will next) {
        if (closed || next.equals(will) && guard != null && guard.isAlive()) {
            return;
        }
        Process old = guard;
        will = next;
        guard = next.isEmpty() ? null : start(next);
        standDown(old);
    }

    /** The guard exits without acting (a planned stop already took the node out of traffic). */
    public synchronized void disarm() {
        will = Will.NOTHING;
        standDown(guard);
        guard = null;
    }

    /** The guard's pid, or null when none runs. Lock-free (the status API asks on an event loop). */
    public Long pid() {
        Process g = guard;
        return g != null && g.isAlive() ? g.pid() : null;
    }

    private Process start(Will w) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, NAME));
        command.addAll(w.actions());
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            p.onExit().thenRun(() -> restartIfLost(p));
            log.info("node {}: crash guard pid {} takes the node out of traffic if this process dies", node, p.pid());
            return p;
        } catch (IOException e) {
            log.error("node {}: cannot start the crash guard (a crash would leave the node in traffic): {}", node,
                    e.getMessage());
            return null;
        }
    }

    private synchronized void restartIfLost(Process p) {
        if (p == guard && !closed) {
            log.warn("node {}: crash guard pid {} exited (code {}); starting it again", node, p.pid(), p.exitValue());
            guard = start(will);
        }
    }

    private static void standDown(Process p) {
        if (p == null) {
            return;
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(STAND_DOWN.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // Already gone: nothing to stand down.
        }
    }

    /** Disarms and stops watching; the guard process exits. */
    @Override
    public synchronized void close() {
        closed = true;
        disarm();
    }
}
