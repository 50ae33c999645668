package io.pointsman.agent.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import io.pointsman.agent.system.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link SyncState} in {@code state-dir/state.json}.
 *
 * <p>Writes are atomic ({@link AtomicFiles}): a crash leaves either the old or the new file,
 * never half of one. A file that cannot be parsed is moved aside to
 * {@code state.json.corrupt-<time>} and reported by {@link #lastProblem()}; the agent then
 * starts from an empty state instead of crashing.
 */
public final class StateStore {
    public static final String FILE_NAME = "state.json";
    private static final Logger log = LoggerFactory.getLogger(StateStore.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Path file;
    private final Clock clock;
    private final ObjectMapper json;
    private volatile String lastProblem;

    public StateStore(Path stateDir, Clock clock) {
        this.dir = stateDir;
        this.file = stateDir.resolve(FILE_NAME);
        this.clock = clock;
        this.json = Json.mapper();
    }

    public Path file() {
        return file;
    }

    /** What went wrong at the last load (a corrupt file moved aside), or null. */
    public String lastProblem() {
        return lastProblem;
    }

    /** The saved state; empty when there is none or it was corrupt (moved aside). Never throws for content. */
    public SyncState load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return SyncState.empty();
        }
        try {
            SyncState s = json.readValue(bytes, SyncState.class);
            if (s == null) {
                throw new IOException("state file holds JSON null");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            Path aside = dir.resolve(FILE_NAME + ".corrupt-" + STAMP.format(clock.instant()));
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            lastProblem = "state file " + file + " was unreadable (" + firstLine(e.getMessage())
                    + "); moved aside to " + aside.getFileName() + ", starting from an empty state";
            log.warn(lastProblem);
            return SyncState.empty();
        }
    }

    /** Writes the whole state atomically and durably ({@link AtomicFiles}). */
    public synchronized void save(SyncState state) throws IOException {
        AtomicFiles.writeDurably(file, json.writeValueAsBytes(state));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
