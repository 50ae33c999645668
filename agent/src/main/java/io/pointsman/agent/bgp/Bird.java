package io.pointsman.agent.bgp;

import io.pointsman.agent.system.AtomicFiles;
import io.pointsman.agent.system.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * BIRD's own programs: {@code bird -p} checks a rendered include, {@code birdc -s SOCKET
 * configure} makes the running BIRD read its config (and the include) again. BIRD parses a
 * whole config before it uses any of it, so a refused configure changes nothing.
 */
public final class Bird {
    /** Bound of one bird or birdc run; a BIRD that does not answer in this time has failed. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The checked text gets a router id on its first line, so BIRD's line numbers stay the include's. */
    private static final String CHECK_PREFIX = "router id 192.0.2.1; ";

    private final String bird;
    private final String birdc;
    private final Duration timeout;

    /**
     * @param bird    the bird executable ({@code -p}); null = not installed
     * @param birdc   the birdc executable; null = not installed
     * @param timeout bound of one run
     */
    public Bird(String bird, String birdc, Duration timeout) {
        this.bird = bird;
        this.birdc = birdc;
        this.timeout = timeout;
    }

    /** BIRD as installed on this machine (PATH, then the sbin directories). */
    public static Bird installed() {
        return new Bird(Command.find("bird"), Command.find("birdc"), TIMEOUT);
    }

    /** What {@link #configure} did. */
    public record Reply(boolean reconfigured, String message) {}

    /**
     * {@code bird -p} on the include: its syntax, prefixes and protocol names, as the BIRD of
     * this machine reads them. The operator's bird.conf around it is checked by BIRD itself
     * at {@link #configure}.
     *
     * @param target where the include will go; the check's scratch file is its sibling and
     *               errors name it
     * @return false when bird is not installed (nothing was checked)
     * @throws BgpException (refused) with BIRD's message when it refuses the text
     */
    public boolean check(String include, Path target) throws BgpException {
        if (bird == null) {
            return false;
        }
        Path scratch = target.resolveSibling(target.getFileName() + ".pointsman-check");
        try {
            AtomicFiles.write(scratch, CHECK_PREFIX + include);
            Command.Result r = Command.run(List.of(bird, "-p", "-c", scratch.toString()), timeout);
            if (!r.ok()) {
                String why = r.output().replace(scratch.toString(), target.toString()).trim();
                throw new BgpException("bird -p refused the rendered include: "
                        + (why.startsWith("bird: ") ? why.substring("bird: ".length()) : why), true);
            }
            return true;
        } catch (IOException e) {
            throw new BgpException("cannot write " + scratch + ": " + e.getMessage(), false);
        } catch (Command.Failed e) {
            throw new BgpException(e.getMessage(), false);
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // a leftover scratch file is harmless
            }
        }
    }

    /**
     * {@code birdc -s SOCKET configure}. A missing socket, or one nobody listens on, means
     * BIRD is not running yet: not a failure (it reads the include when it starts).
     *
     * @throws BgpException when BIRD refuses its config (refused) or does not answer in time
     */
    public Reply configure(Path socket) throws BgpException {
        if (socket == null) {
            return new Reply(false, "BIRD not reconfigured: no bgp.control_socket for this node");
        }
        if (!Files.exists(socket)) {
            return new Reply(false, "BIRD not reconfigured: no control socket " + socket + " (not running yet?)");
        }
        if (birdc == null) {
            throw new BgpException("BIRD's control socket " + socket + " exists but birdc is not installed", false);
        }
        Command.Result r;
        try {
            r = Command.run(List.of(birdc, "-s", socket.toString(), "configure"), timeout);
        } catch (Command.Failed e) {
            throw new BgpException(e.timedOut()
                    ? "BIRD's control socket " + socket + " did not answer within " + timeout.toMillis() + " ms"
                    : e.getMessage(), false);
        }
        String out = r.output().trim();
        if (r.ok()) {
            return new Reply(true, "BIRD " + lastLine(out).toLowerCase(java.util.Locale.ROOT));
        }
        if (out.contains("Unable to connect") && out.contains("Connection refused")) {
            return new Reply(false, "BIRD not reconfigured: nothing listens on " + socket + " (not running?)");
        }
        if (out.contains("Reading configuration from")) {
            // BIRD parsed its config, our include within it, and refused it: it keeps running
            // the config it had.
            String why = out.substring(out.indexOf('\n', out.indexOf("Reading configuration from")) + 1).trim();
            throw new BgpException("BIRD refused its config with the rendered include: " + why, true);
        }
        throw new BgpException("birdc -s " + socket + " configure failed (exit " + r.exitCode() + "): " + out, false);
    }

    private static String lastLine(String text) {
        int nl = text.lastIndexOf('\n');
        return nl < 0 ? text : text.substring(nl + 1);
    }

    public boolean canCheck() {
        return bird != null;
    }

    /** The bird executable, or null when it is not installed. */
    public String birdPath() {
        return bird;
    }

    /** The birdc executable, or null when it is not installed. */
    public String birdc() {
        return birdc;
    }
}
