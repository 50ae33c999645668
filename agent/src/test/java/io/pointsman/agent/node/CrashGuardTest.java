package io.pointsman.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.agent.bgp.Bird;
import io.pointsman.agent.bgp.BirdInclude;
import io.pointsman.agent.bgp.RealBird;
import io.pointsman.agent.sync.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash guard carries out its will when its process dies — killed with SIGKILL, so
 * nothing in it runs — and only then: a disarmed guard does nothing.
 */
class CrashGuardTest {
    @TempDir
    Path dir;

    /** A JVM running {@link CrashGuardChild} with {@code args}, once its guard is armed. */
    private record Child(Process process, long guardPid) {}

    private Child startChild(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), CrashGuardChild.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("child.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertNotNull(line, "child said nothing: " + Files.readString(dir.resolve("child.err")));
        assertTrue(line.startsWith("armed "), line);
        return new Child(p, Long.parseLong(line.substring("armed ".length())));
    }

    @Test
    void whenItsProcessIsKilledTheGuardWritesItsFilesVerbatim() throws Exception {
        Path file = dir.resolve("state");
        Files.writeString(file, "0\n");
        String text = "1\n# odd text: 'quotes' \"double\" $HOME %s %% \\n `date`\n";
        Child child = startChild(file.toString(), text);
        assertEquals("0\n", Files.readString(file), "nothing happens while the process lives");
        child.process().destroyForcibly(); // SIGKILL
        Await.until("the guard to write " + file, Duration.ofSeconds(10),
                () -> text.equals(read(file)), () -> read(file));
        Await.until("the guard to exit", Duration.ofSeconds(10),
                () -> ProcessHandle.of(child.guardPid()).map(h -> !h.isAlive()).orElse(true));
        assertTrue(Files.notExists(dir.resolve("state.pointsman-guard")), "temp file renamed into place");
    }

    @Test
    void putWritesInPlaceForATrackFile() throws Exception {
        Path file = dir.resolve("state");
        Files.writeString(file, "0\n");
        Object inode = Files.getAttribute(file, "unix:ino");
        Child child = startChild("--put", file.toString(), "1\n");
        child.process().destroyForcibly();
        Await.until("the guard to put 1 into " + file, Duration.ofSeconds(10),
                () -> "1\n".equals(read(file)), () -> read(file));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the same file, written in place");
    }

    @Test
    void aDisarmedGuardExitsWithoutActing() throws Exception {
        Path file = dir.resolve("state");
        Files.writeString(file, "0\n");
        Child child = startChild(file.toString(), "1\n");
        try (OutputStream in = child.process().getOutputStream()) {
            in.write("disarm\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(child.process().waitFor(20, TimeUnit.SECONDS));
        Await.until("the guard to exit", Duration.ofSeconds(10),
                () -> ProcessHandle.of(child.guardPid()).map(h -> !h.isAlive()).orElse(true));
        assertEquals("0\n", Files.readString(file));
    }

    @Test
    void whenItsProcessIsKilledTheGuardWithdrawsTheRoutesFromBird() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        try (RealBird bird = new RealBird(dir, "")) {
            Files.writeString(bird.include, BirdInclude.render("child", List.of("198.18.100.1/32"), true, "announced"));
            bird.start();
            assertEquals(List.of("198.18.100.1/32"), bird.routes());
            Child child = startChild(bird.include.toString(), BirdInclude.withdrawn("child", "process gone"),
                    Bird.installed().birdc(), bird.socket.toString());
            child.process().destroyForcibly();
            Await.until("BIRD to withdraw the route", Duration.ofSeconds(10), () -> bird.routes().isEmpty(),
                    () -> bird.routes().toString());
        }
    }

    @Test
    void aGuardThatDiesIsStartedAgain() throws Exception {
        CrashGuard guard = new CrashGuard("lb1");
        try {
            guard.arm(CrashGuard.Will.NOTHING.write(dir.resolve("state"), "1\n"));
            Long first = guard.pid();
            assertNotNull(first);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            Await.until("a new guard", Duration.ofSeconds(10), () -> guard.pid() != null && !guard.pid().equals(first));
            assertNotEquals(first, guard.pid());
            assertTrue(Files.notExists(dir.resolve("state")), "a killed guard does not act: its process still runs");
        } finally {
            guard.close();
        }
        assertNull(guard.pid());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
