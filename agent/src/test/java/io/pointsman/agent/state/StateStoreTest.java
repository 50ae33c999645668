package io.pointsman.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    static final String REV_A = "main@sha1:" + "a".repeat(40);
    static final String REV_B = "main@sha1:" + "b".repeat(40);

    @TempDir
    Path dir;

    @Test
    void missingFileIsAnEmptyState() throws Exception {
        SyncState s = new StateStore(dir, Clock.systemUTC()).load();
        assertNull(s.lastGoodRevision());
        assertTrue(s.history().isEmpty());
    }

    @Test
    void savedStateIsReloadedWhole() throws Exception {
        StateStore store = new StateStore(dir, Clock.systemUTC());
        Instant t = Instant.parse("2026-11-23T20:00:00.123Z");
        SyncState s = SyncState.empty()
                .withAttempt(new HistoryEntry(REV_A, HistoryEntry.SUCCESS, "Applied", "generation 1", t, 12))
                .withLastGood(REV_A, t)
                .withAttempt(new HistoryEntry(REV_B, HistoryEntry.FAILURE, "ValidationFailed", "proxy.yaml:3: x: bad", t, 3))
                .withRejected(REV_B, "ValidationFailed", "proxy.yaml:3: x: bad")
                .withSeen("b".repeat(40), t)
                .withSuspended(true, "maintenance");
        store.save(s);
        SyncState back = new StateStore(dir, Clock.systemUTC()).load();
        assertEquals(s, back);
        assertEquals(REV_A, back.lastGoodRevision());
        assertEquals(REV_B, back.lastAttemptedRevision());
        assertEquals(t, back.seen().get("b".repeat(40)));
        assertTrue(back.suspended());
        String json = Files.readString(store.file());
        assertTrue(json.contains("\"2026-11-23T20:00:00.123Z\""), json);
    }

    @Test
    void writeIsAtomicNoTempFilesLeftAndOldContentReplacedWhole() throws Exception {
        StateStore store = new StateStore(dir, Clock.systemUTC());
        SyncState s = SyncState.empty();
        for (int i = 0; i < 60; i++) {
            s = s.withAttempt(new HistoryEntry(REV_A, "success", "Applied", "n" + i, Instant.EPOCH, i));
            store.save(s);
        }
        assertEquals(SyncState.MAX_HISTORY, store.load().history().size(), "history keeps the last 50");
        assertEquals("n59", store.load().history().get(49).message());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of(StateStore.FILE_NAME), names, "only state.json, no temp files");
        }
    }

    @Test
    void corruptFileIsMovedAsideAndReported() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE_NAME), "{\"lastGoodRevision\": \"main@sha1:");
        StateStore store = new StateStore(dir, Clock.systemUTC());
        SyncState s = store.load();
        assertNull(s.lastGoodRevision());
        assertNotNull(store.lastProblem());
        assertTrue(store.lastProblem().contains("moved aside"), store.lastProblem());
        assertFalse(Files.exists(store.file()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("state.json.corrupt-")).count());
        }
        store.save(s); // and the agent can carry on writing
        assertTrue(Files.exists(store.file()));
    }

    @Test
    void seenTimesAreBoundedAndKeepTheFirstSighting() {
        SyncState s = SyncState.empty();
        for (int i = 0; i < SyncState.MAX_SEEN + 10; i++) {
            s = s.withSeen(String.format("%040x", i), Instant.ofEpochSecond(i));
        }
        assertEquals(SyncState.MAX_SEEN, s.seen().size());
        String last = String.format("%040x", SyncState.MAX_SEEN + 9);
        assertEquals(Instant.ofEpochSecond(SyncState.MAX_SEEN + 9), s.withSeen(last, Instant.now()).seen().get(last));
    }
}
