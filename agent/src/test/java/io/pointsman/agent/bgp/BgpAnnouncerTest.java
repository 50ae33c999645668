package io.pointsman.agent.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.Bgp.WithdrawWhen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announcer against a real BIRD 2 on a private control socket: what BIRD's table
 * holds after each apply, suspension and stop, and what a refused or unanswered change
 * leaves behind.
 */
class BgpAnnouncerTest {
    @TempDir
    Path dir;

    private RealBird bird;
    private BgpAnnouncer announcer;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        bird = new RealBird(dir, "");
        announcer = new BgpAnnouncer("lb1", Bird.installed(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bird != null) {
            bird.close();
        }
    }

    private Bgp section(List<String> announce, List<WithdrawWhen> when) {
        return new Bgp(announce, bird.include.toString(), bird.socket.toString(), when, Duration.ofSeconds(3));
    }

    private Bgp section(String... announce) {
        return section(List.of(announce), null);
    }

    @Test
    void withoutBirdRunningTheIncludeIsWrittenAndStatusSaysBirdWasNotTold() throws Exception {
        String done = announcer.apply(section("198.18.100.1/32"));
        assertTrue(done.contains("BIRD not reconfigured: no control socket " + bird.socket + " (not running yet?)"), done);
        assertTrue(Files.readString(bird.include).contains("route 198.18.100.1/32 blackhole;"));
        BgpStatus s = announcer.status(null);
        assertEquals(List.of("198.18.100.1/32"), s.announced());
        assertFalse(s.birdReconfigured());
        assertEquals(1, s.announcements());

        bird.start(); // reads the include it finds
        assertEquals(List.of("198.18.100.1/32"), bird.routes());
    }

    @Test
    void applySuspendResumeAndStopAreSeenInBirdsTable() throws Exception {
        Files.writeString(bird.include, BirdInclude.withdrawn("lb1", "not serving"));
        bird.start();
        assertEquals(List.of(), bird.routes());

        String done = announcer.apply(section("198.18.100.1/32", "2001:db8::10/128"));
        assertTrue(done.contains("(bird -p ok), BIRD reconfigured; announced"), done);
        assertEquals(List.of("198.18.100.1/32", "2001:db8::10/128"), bird.routes());
        assertEquals("", announcer.apply(section("198.18.100.1/32", "2001:db8::10/128")), "unchanged: BIRD not told again");

        announcer.suspended(true);
        assertEquals(List.of(), bird.routes());
        BgpStatus s = announcer.status(42L);
        assertEquals("suspended", s.withdrawnBecause());
        assertTrue(s.birdReconfigured());
        assertEquals(42L, s.crashGuardPid());
        assertTrue(s.lastChangeMs() > 0);
        announcer.suspended(false);
        assertEquals(List.of("198.18.100.1/32", "2001:db8::10/128"), bird.routes());

        assertEquals(Duration.ofSeconds(3), announcer.stop(), "withdrawn on a planned stop: drain before closing");
        assertEquals(List.of(), bird.routes());
        assertTrue(announcer.withdrawnCleanly());
        assertEquals("stopping", announcer.status(null).withdrawnBecause());

        String metrics = announcer.metrics();
        assertTrue(metrics.contains("pointsman_bgp_announced{prefix=\"198.18.100.1/32\"} 0\n"), metrics);
        assertTrue(metrics.contains("pointsman_bgp_announcements_total 2\n"), metrics);
        assertTrue(metrics.contains("pointsman_bgp_withdrawals_total{reason=\"suspended\"} 1\n"), metrics);
        assertTrue(metrics.contains("pointsman_bgp_withdrawals_total{reason=\"stopping\"} 1\n"), metrics);
        assertTrue(metrics.contains("pointsman_bgp_reconfigure_seconds_count 4\n"), metrics);
    }

    @Test
    void withdrawWhenDecidesWhatWithdraws() throws Exception {
        bird.start();
        Bgp onlyStopping = new Bgp(List.of("198.18.100.1/32"), bird.include.toString(), bird.socket.toString(),
                List.of(WithdrawWhen.STOPPING), null);
        announcer.apply(onlyStopping);
        announcer.suspended(true);
        assertEquals(List.of("198.18.100.1/32"), bird.routes(), "suspended is not in withdraw_when");
        assertEquals(Bgp.DEFAULT_DRAIN, announcer.stop());
        assertEquals(List.of(), bird.routes());

        BgpAnnouncer never = new BgpAnnouncer("lb1", Bird.installed(), Clock.systemUTC());
        never.apply(section(List.of("198.18.100.1/32"), List.of()));
        assertEquals(Duration.ZERO, never.stop(), "nothing withdrawn: nothing to drain");
        assertEquals(List.of("198.18.100.1/32"), bird.routes());
    }

    @Test
    void birdRefusingItsConfigLeavesThePreviousIncludeAndRoutes() throws Exception {
        bird = new RealBird(dir, "");
        bird.start();
        announcer.apply(section("198.18.100.1/32"));
        String good = Files.readString(bird.include);
        // The operator's bird.conf gains a protocol that collides with the include.
        Files.writeString(bird.config, Files.readString(bird.config) + "protocol static pointsman4 { ipv4; }\n");
        BgpException e = assertThrows(BgpException.class, () -> announcer.apply(section("198.18.100.2/32")));
        assertTrue(e.refused(), e.getMessage());
        assertTrue(e.getMessage().startsWith("BIRD refused its config with the rendered include: "), e.getMessage());
        assertTrue(e.getMessage().contains("pointsman4"), e.getMessage());
        assertEquals(good, Files.readString(bird.include), "previous include put back");
        assertEquals(List.of("198.18.100.1/32"), bird.routes(), "BIRD keeps what it announced");
        assertEquals(List.of("198.18.100.1/32"), announcer.status(null).announced());
    }

    @Test
    void aControlSocketThatDoesNotAnswerFailsTheApplyAndRestoresTheInclude() throws Exception {
        bird.start();
        BgpAnnouncer quick = new BgpAnnouncer("lb1", new Bird(Bird.installed().birdPath(), Bird.installed().birdc(),
                Duration.ofMillis(500)), Clock.systemUTC());
        quick.apply(section("198.18.100.1/32"));
        String good = Files.readString(bird.include);
        bird.signal("STOP");
        try {
            BgpException e = assertThrows(BgpException.class, () -> quick.apply(section("198.18.100.2/32")));
            assertFalse(e.refused(), "not the config's fault: retried at the next poll");
            assertEquals("BIRD's control socket " + bird.socket + " did not answer within 500 ms", e.getMessage());
            assertEquals(good, Files.readString(bird.include));
        } finally {
            bird.signal("CONT");
        }
        assertEquals(List.of("198.18.100.1/32"), bird.routes());
    }

    @Test
    void aDeadBirdsLeftoverSocketIsNotAFailure() throws Exception {
        bird.start();
        bird.kill();
        assertTrue(Files.exists(bird.socket), "SIGKILL leaves the socket file");
        String done = announcer.apply(section("198.18.100.1/32"));
        assertTrue(done.contains("BIRD not reconfigured: nothing listens on " + bird.socket), done);
        assertTrue(Files.readString(bird.include).contains("route 198.18.100.1/32 blackhole;"));
    }

    @Test
    void removingTheSectionWithdrawsFromTheOldInclude() throws Exception {
        bird.start();
        announcer.apply(section("198.18.100.1/32"));
        assertEquals(List.of("198.18.100.1/32"), bird.routes());
        String done = announcer.apply(null);
        assertTrue(done.contains("withdrawn (no bgp section)"), done);
        assertEquals(List.of(), bird.routes());
        assertNull(announcer.status(null));
    }
}
