package io.pointsman.proxy.health;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckStep;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.StatusRange;
import java.time.Duration;
import java.util.List;

/**
 * Fuzzes what health checks read from servers (any server's bytes, a broken or hostile
 * one's too): for every check type and any reply, fed whole or cut at any point, a step's
 * matcher gives a verdict (wait, pass, fail) and never throws; a reply the server closed
 * on is never left waiting; a failure always says which code.
 */
class CheckRepliesFuzzTest {
    private static final Duration I = Duration.ofSeconds(1);
    private static final List<Check> CHECKS = List.of(
            new Check(CheckType.HTTP, "/", StatusRange.parse("200-399"), I, 1, 1, null, null, null, null, "ok",
                    "^st[a-z]+", null, null, null, true, null, null),
            new Check(CheckType.HTTP, "/", StatusRange.parse("200"), I, 1, 1, "HEAD", null, null, null, null, null, null,
                    null, null, null, null, null),
            new Check(CheckType.REDIS, null, null, I, 1, 1),
            new Check(CheckType.SMTP, null, null, I, 1, 1),
            new Check(CheckType.SSL_HELLO, null, null, I, 1, 1),
            new Check(CheckType.MYSQL, null, null, I, 1, 1),
            new Check(CheckType.MYSQL, null, null, I, 1, 1, null, null, null, null, null, null, null, null, null, null,
                    null, "u"),
            new Check(CheckType.PGSQL, null, null, I, 1, 1, null, null, null, null, null, null, null, null, null, null,
                    null, "u"),
            new Check(CheckType.SCRIPT, null, null, I, 1, 1, null, null, null, null, null, null, null, null, null, null,
                    List.of(new CheckStep(null, "+OK", null), new CheckStep(null, null, "v[0-9]+\\.")), null));

    @FuzzTest(maxDuration = "30s")
    void everyReplyGetsAVerdictAndNoException(FuzzedDataProvider data) {
        Check check = CHECKS.get(data.consumeInt(0, CHECKS.size() - 1));
        int cut = data.consumeInt(0, CheckScripts.MAX_REPLY);
        byte[] reply = data.consumeRemainingAsBytes();
        if (reply.length > CheckScripts.MAX_REPLY) {
            reply = java.util.Arrays.copyOf(reply, CheckScripts.MAX_REPLY);
        }
        ServerCheckSpec spec = new ServerCheckSpec("be", "s", new HostPort("127.0.0.1", 80), true, false, check, I);
        for (io.pointsman.proxy.health.CheckStep step : CheckScripts.of(spec)) {
            if (step instanceof io.pointsman.proxy.health.CheckStep.Expect expect) {
                int part = Math.min(cut, reply.length);
                assertNotNull(expect.matcher().test(reply, part, false));
                io.pointsman.proxy.health.CheckStep.Verdict closed = expect.matcher().test(reply, reply.length, true);
                assertTrue(!(closed instanceof io.pointsman.proxy.health.CheckStep.Verdict.Wait),
                        "a closed connection is decided");
                if (closed instanceof io.pointsman.proxy.health.CheckStep.Verdict.Fail f) {
                    assertNotNull(f.result().code());
                    assertTrue(!f.result().success(), "a failure is not a success code");
                }
            }
        }
    }
}
