package io.pointsman.agent.servers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.system.AtomicFiles;
import io.pointsman.agent.state.Json;
import io.pointsman.proxy.admin.AdminState;
import io.pointsman.proxy.admin.ServerOverride;
import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.proxy.admin.WeightOverride;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code state-dir/overrides.json}: the runtime overrides in force, written whole and atomically after each change. */
final class OverrideFile {
    static final String FILE_NAME = "overrides.json";
    private static final Logger log = LoggerFactory.getLogger(OverrideFile.class);

    /** One override as saved. */
    record Saved(String backend, String server, String state, String weight, String reason, String by, Instant setAt,
            Instant expiresAt) {
        static Saved of(ServerOverrides.Entry e) {
            ServerOverride o = e.override();
            return new Saved(e.backend(), e.server(), o.state() == null ? null : o.state().text(),
                    o.weight() == null ? null : o.weight().toString(), o.reason(), o.by(), o.setAt(), o.expiresAt());
        }

        ServerOverride override() {
            return new ServerOverride(state == null ? null : AdminState.parse(state),
                    weight == null ? null : WeightOverride.parse(weight), reason, by, setAt, expiresAt);
        }
    }

    record Content(List<Saved> overrides) {
        Content {
            overrides = overrides == null ? List.of() : List.copyOf(overrides);
        }
    }

    private final Path file;
    private final ObjectMapper json = Json.mapper();

    /** @param stateDir null: nothing is kept (overrides end with the process) */
    OverrideFile(Path stateDir) {
        this.file = stateDir == null ? null : stateDir.resolve(FILE_NAME);
    }

    /** What was saved; empty when nothing was, or the file cannot be read (said in the log). */
    List<Saved> load() {
        if (file == null) {
            return List.of();
        }
        try {
            Content c = json.readValue(Files.readAllBytes(file), Content.class);
            return c == null ? List.of() : c.overrides();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            log.error("cannot read {} ({}): runtime overrides of before the restart are not restored", file, e.getMessage());
            return List.of();
        }
    }

    void save(List<ServerOverrides.Entry> entries) throws IOException {
        if (file == null) {
            return;
        }
        AtomicFiles.writeDurably(file, json.writeValueAsBytes(new Content(entries.stream().map(Saved::of).toList())));
    }
}
