package io.pointsman.agent.servers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;

/**
 * Fuzzes what a client sends to {@code POST /servers/<backend>/<server>}: the query or form
 * body, decoded as the status API decodes it, then {@link ServerChange#parse}. For any input
 * the answer is a change whose every part is in range, or an {@link IllegalArgumentException}
 * with a message (a 400 that says why), never another exception.
 *
 * <p>{@code ./test} runs it in fuzzing mode for a bounded time (fuzz-targets.txt); a plain
 * {@code mvn test} runs the seeds in {@code ServerChangeFuzzTestInputs/}.
 */
class ServerChangeFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesWithAReason(FuzzedDataProvider data) {
        String form = data.consumeRemainingAsString();
        ServerChange change;
        try {
            change = ServerChange.parse(new QueryStringDecoder("?" + form).parameters());
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertTrue(change.state() != null || change.weight() != null, "a change changes something");
        if (change.weight() != null) {
            assertTrue(change.weight().apply(256) >= 0 && change.weight().apply(256) <= 256, change.weight().toString());
        }
        assertTrue(change.reason().length() <= ServerChange.MAX_REASON);
        assertTrue(change.reason().chars().noneMatch(Character::isISOControl));
        if (change.ttl() != null) {
            assertTrue(change.ttl().compareTo(Duration.ZERO) > 0 && change.ttl().compareTo(Duration.ofDays(365)) <= 0);
        }
    }
}
