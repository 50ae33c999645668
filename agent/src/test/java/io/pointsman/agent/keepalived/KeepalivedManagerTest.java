package io.pointsman.agent.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.proxy.config.Keepalived;
import io.pointsman.proxy.config.TrackCheck;
import io.pointsman.proxy.config.VrrpInstance;
import io.pointsman.proxy.config.VrrpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedManagerTest {
    @TempDir
    Path dir;

    private static Keepalived section(String iface, VrrpState state, int priority) {
        return new Keepalived(null, null, null, true, new TrackCheck(Duration.ofSeconds(1), 2, 2),
                List.of(new VrrpInstance("VI_1", iface, 51, state, priority, 1, "s3cret", List.of("198.18.0.100/24"), false)));
    }

    /** Keepalived refuses loopback for VRRP, so `keepalived -t` needs a real interface of this machine. */
    private static String realInterface() throws java.net.SocketException {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback() && i.getName().matches("[A-Za-z0-9_.-]{1,15}");
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .map(java.net.NetworkInterface::getName).findFirst().orElse(null);
    }

    private String render(String iface, VrrpState state, int priority) {
        return KeepalivedRenderer.render(section(iface, state, priority), "lb1", dir.resolve("check.sh").toString(),
                dir.resolve("lb1.state").toString());
    }

    @Test
    void rendersTheSameBytesForTheSameInput() {
        assertEquals(render("lo", VrrpState.MASTER, 200), render("lo", VrrpState.MASTER, 200));
        String text = render("lo", VrrpState.MASTER, 200);
        assertTrue(text.contains("vrrp_instance VI_1 {\n    state MASTER\n    interface lo\n    virtual_router_id 51\n    priority 200\n"), text);
        assertTrue(text.contains("track_script {\n        chk_pointsman\n    }"), text);
        assertTrue(text.contains("track_file {\n        pointsman_state\n    }"), text);
        assertTrue(text.contains("track_file pointsman_state {\n    file \"" + dir.resolve("lb1.state") + "\"\n    weight 0\n"), text);
        assertTrue(text.contains("script \"" + dir.resolve("check.sh") + "\"\n    interval 1\n    timeout 1\n    fall 2\n    rise 2\n"), text);
    }

    @Test
    void realKeepalivedAcceptsTheRenderedConfigAndNoPidFileIsNotAFailure() throws Exception {
        KeepalivedManager m = new KeepalivedManager(null);
        assumeTrue(m.canTest(), "keepalived is not installed (./test installs it)");
        String iface = realInterface();
        assumeTrue(iface != null, "no non-loopback interface on this machine");
        Path conf = dir.resolve("keepalived.conf");
        KeepalivedManager.Outcome o = m.apply(conf, render(iface, VrrpState.MASTER, 200), dir.resolve("check.sh"),
                KeepalivedRenderer.checkScript("127.0.0.1", 9900), dir.resolve("missing.pid"), null);
        assertTrue(o.changed() && o.tested() && !o.reloaded(), o.toString());
        assertTrue(o.message().contains("not reloaded"), o.message());
        assertEquals(render(iface, VrrpState.MASTER, 200), Files.readString(conf));
        assertTrue(Files.isExecutable(dir.resolve("check.sh")));
    }

    @Test
    void configRejectedByKeepalivedLeavesThePreviousFile() throws Exception {
        KeepalivedManager m = new KeepalivedManager(null);
        assumeTrue(m.canTest(), "keepalived is not installed (./test installs it)");
        String iface = realInterface();
        assumeTrue(iface != null, "no non-loopback interface on this machine");
        Path conf = dir.resolve("keepalived.conf");
        m.apply(conf, render(iface, VrrpState.MASTER, 200), dir.resolve("check.sh"),
                KeepalivedRenderer.checkScript("127.0.0.1", 9900), null, null);
        String good = Files.readString(conf);
        KeepalivedException e = assertThrows(KeepalivedException.class,
                () -> m.apply(conf, render("nosuchif0", VrrpState.MASTER, 200), null, null, null, null));
        assertTrue(e.getMessage().startsWith("keepalived -t rejected the rendered config"), e.getMessage());
        assertEquals(good, Files.readString(conf));
        assertFalse(Files.exists(dir.resolve("keepalived.conf.pointsman-new")));
    }

    @Test
    void reloadSendsSighupToThePidInThePidFile() throws Exception {
        Path hups = dir.resolve("hups");
        // A stand-in for Keepalived that records every SIGHUP it gets.
        Process p = new ProcessBuilder("bash", "-c",
                "trap 'echo hup >> " + hups + "' HUP; for i in $(seq 600); do sleep 0.1; done").start();
        try {
            Path pid = dir.resolve("keepalived.pid");
            Files.writeString(pid, p.pid() + "\n");
            awaitTrapInstalled();
            KeepalivedManager m = new KeepalivedManager("/bin/true");
            Path conf = dir.resolve("keepalived.conf");
            KeepalivedManager.Outcome first = m.apply(conf, render("lo", VrrpState.BACKUP, 100), null, null, pid, null);
            assertTrue(first.reloaded(), first.message());
            awaitLines(hups, 1);
            KeepalivedManager.Outcome same = m.apply(conf, render("lo", VrrpState.BACKUP, 100), null, null, pid, null);
            assertFalse(same.changed(), "unchanged text must not be rewritten or reloaded");
            KeepalivedManager.Outcome second = m.apply(conf, render("lo", VrrpState.BACKUP, 150), null, null, pid, null);
            assertTrue(second.reloaded());
            awaitLines(hups, 2);
            m.restore(conf, second, pid, null);
            assertEquals(render("lo", VrrpState.BACKUP, 100), Files.readString(conf));
            awaitLines(hups, 3);
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void failingReloadCommandRestoresThePreviousFile() throws Exception {
        KeepalivedManager m = new KeepalivedManager("/bin/true");
        Path conf = dir.resolve("keepalived.conf");
        m.apply(conf, render("lo", VrrpState.BACKUP, 100), null, null, null, "true");
        KeepalivedException e = assertThrows(KeepalivedException.class,
                () -> m.apply(conf, render("lo", VrrpState.BACKUP, 120), null, null, null, "echo nope >&2; exit 3"));
        assertTrue(e.getMessage().contains("reload command failed (exit 3): nope"), e.getMessage());
        assertEquals(render("lo", VrrpState.BACKUP, 100), Files.readString(conf));
    }

    @Test
    void checkScriptReportsHealthz() throws Exception {
        Path script = dir.resolve("check.sh");
        Files.writeString(script, KeepalivedRenderer.checkScript("127.0.0.1", 1));
        Process p = new ProcessBuilder("bash", script.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(false, p.exitValue() == 0, "nothing listens on port 1: unhealthy");
    }

    private static void awaitTrapInstalled() throws InterruptedException {
        // bash installs the trap before its first sleep; give it a moment to start.
        Thread.sleep(300);
    }

    private static void awaitLines(Path file, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).size() >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " SIGHUPs recorded in " + file);
    }
}
