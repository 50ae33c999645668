package io.pointsman.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.health.HealthSnapshot.Monitoring;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private static final CheckResult OK = CheckResult.of(CheckCode.L4OK);
    private static final CheckResult FAIL = CheckResult.of(CheckCode.L4CON, "Connection refused");

    private static HealthState checked(int rise, int fall) {
        return new HealthState(new ServerKey("web-farm", "127.0.0.1:9001"), "web0", Monitoring.CHECKED, rise, fall);
    }

    @Test
    void startsUpOneFailureFromDownAsHaproxy() {
        HealthState s = checked(2, 3);
        assertTrue(s.isUsable());
        assertEquals("UP 1/3", s.status());
        assertNull(s.snapshot().lastCheck());
        assertNotNull(s.record(FAIL, 1), "the first failure of a fresh server takes it down");
        assertEquals("DOWN", s.status());
    }

    @Test
    void firstSuccessMakesAFreshServerFullyUp() {
        HealthState s = checked(2, 3);
        assertNull(s.record(OK, 1));
        assertEquals("UP", s.status());
    }

    @Test
    void fallsAfterFallFailuresShowingHaproxyCounters() {
        HealthState s = checked(2, 3);
        s.record(OK, 1);
        assertNull(s.record(FAIL, 1));
        assertEquals("UP 2/3", s.status(), "HAProxy shows the health left: 2 more failures to DOWN");
        assertTrue(s.isUsable());
        assertNull(s.record(FAIL, 1));
        assertEquals("UP 1/3", s.status());
        HealthSnapshot before = s.record(FAIL, 1);
        assertNotNull(before, "third failure is a transition");
        assertTrue(before.up());
        assertEquals("DOWN", s.status());
        assertFalse(s.isUsable());
        assertEquals(1, s.snapshot().downTransitions());
        assertEquals(3, s.snapshot().failedChecks());
        assertEquals(4, s.snapshot().checks());
        assertEquals("L4CON", s.snapshot().lastCheck().toString());
    }

    @Test
    void successWhileFailingRestoresFullHealth() {
        HealthState s = checked(2, 3);
        s.record(OK, 1);
        s.record(FAIL, 1);
        s.record(FAIL, 1);
        assertEquals("UP 1/3", s.status());
        s.record(OK, 1);
        assertEquals("UP", s.status());
    }

    @Test
    void risesAfterRiseSuccessesAndAFailureStartsOver() {
        HealthState s = checked(3, 2);
        s.record(FAIL, 1);
        assertEquals("DOWN", s.status());
        s.record(OK, 1);
        assertEquals("DOWN 1/3", s.status());
        s.record(OK, 1);
        assertEquals("DOWN 2/3", s.status());
        s.record(FAIL, 1);
        assertEquals("DOWN", s.status(), "a failure while rising starts over");
        s.record(OK, 1);
        s.record(OK, 1);
        HealthSnapshot before = s.record(OK, 1);
        assertNotNull(before);
        assertFalse(before.up());
        assertEquals("UP", s.status());
        assertTrue(s.isUsable());
    }

    @Test
    void httpResultsPrintTheirStatus() {
        assertEquals("L7STS 503", CheckResult.http(CheckCode.L7STS, 503).toString());
        assertEquals("L7OK 200", CheckResult.http(CheckCode.L7OK, 200).toString());
        assertEquals("Layer7 wrong status", CheckCode.L7STS.reason());
    }

    @Test
    void maintenanceAndNoCheck() {
        HealthState maint = new HealthState(new ServerKey("b", "h:1"), "s", Monitoring.MAINTENANCE, 2, 3);
        assertEquals("MAINT", maint.status());
        assertFalse(maint.isUsable());
        HealthState none = new HealthState(new ServerKey("b", "h:1"), "s", Monitoring.NOT_CHECKED, 2, 3);
        assertEquals("no check", none.status());
        assertTrue(none.isUsable());
        assertNull(none.record(FAIL, 1), "a late result for an unchecked server is ignored");
        assertTrue(none.isUsable());
    }

    @Test
    void reconfigureKeepsStateAndHistory() {
        HealthState s = checked(2, 3);
        s.record(OK, 1);
        s.record(FAIL, 1);
        assertEquals("UP 2/3", s.status());
        assertNull(s.configure("web0", Monitoring.CHECKED, 2, 5));
        assertEquals("UP 4/5", s.status(), "the one failure so far still counts, against the new fall");
        assertEquals(2, s.snapshot().checks());

        s.record(FAIL, 1);
        s.record(FAIL, 1);
        s.record(FAIL, 1);
        assertEquals("UP 1/5", s.status());
        s.record(FAIL, 1);
        assertEquals("DOWN", s.status());
        s.record(OK, 1);
        assertEquals("DOWN 1/2", s.status());
        assertNull(s.configure("web0-renamed", Monitoring.CHECKED, 4, 5));
        assertEquals("DOWN 1/4", s.status());
        assertEquals("web0-renamed", s.server());

        assertNull(s.configure("web0", Monitoring.MAINTENANCE, 4, 5), "down to MAINT: still not up");
        assertEquals("MAINT", s.status());
        assertEquals(7, s.snapshot().checks(), "history survives maintenance");
        assertNotNull(s.configure("web0", Monitoring.CHECKED, 2, 3));
        assertEquals("UP 1/3", s.status(), "back from MAINT: up, one failure from down");
    }
}
