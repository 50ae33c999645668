package io.pointsman.agent.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.SyncEvent;
import io.pointsman.proxy.config.NotifyEvent;
import io.pointsman.proxy.config.NotifyFormat;
import io.pointsman.proxy.config.NotifyTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against a real HTTP receiver: retry with backoff, one message per event, restarts. */
class NotifierTest {
    static final Notifier.Settings FAST = new Notifier.Settings(Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofHours(1), 100);
    static final String REV1 = "main@sha1:" + "1".repeat(40);
    static final String REV2 = "main@sha1:" + "2".repeat(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    private static NotifyTarget target(String name, String url, NotifyFormat format, NotifyEvent... on) {
        return new NotifyTarget(name, url, format, List.of(on), null, Duration.ofSeconds(5));
    }

    private Notifier notifier(List<NotifyTarget> targets) {
        return new Notifier("lb1", state, () -> targets, UnaryOperator.identity(), Clock.systemUTC(), FAST).start();
    }

    private static SyncEvent applied(String rev) {
        return SyncEvent.about(NotifyEvent.APPLIED, rev, "Applied", "applied as generation 1 (+1 backend)", Instant.now());
    }

    @Test
    void aFailingReceiverGetsTheMessageOnceItRecoversAndNeverTwice() throws Exception {
        try (Receiver r = Receiver.start(3);
             Notifier n = notifier(List.of(target("hook", r.url("/hook/T0/secret"), NotifyFormat.JSON)))) {
            n.publish(applied(REV1));
            Await.until("delivery after 3 failures", Duration.ofSeconds(10), () -> r.delivered().size() == 1);
            assertEquals(4, r.requests(), "3 answered 503, the 4th delivered");
            JsonNode body = JSON.readTree(r.delivered().get(0));
            assertEquals("lb1", body.get("node").asText());
            assertEquals("applied", body.get("event").asText());
            assertEquals(REV1, body.get("revision").asText());
            assertEquals("Applied", body.get("reason").asText());
            assertEquals("lb1: applied main@1111111: applied as generation 1 (+1 backend)", body.get("text").asText());

            // The same event again (a bind failure retried at each poll, a restart) sends nothing;
            // the next event is the barrier: the queue is in order, so a duplicate would come first.
            n.publish(applied(REV1));
            n.publish(SyncEvent.about(NotifyEvent.REFUSED, REV2, "ValidationFailed", "proxy.yaml:3: bad", Instant.now()));
            n.publish(SyncEvent.about(NotifyEvent.REFUSED, REV2, "ValidationFailed", "proxy.yaml:3: bad", Instant.now()));
            n.publish(SyncEvent.about(NotifyEvent.REFUSED, REV2, "BindFailed", "127.0.0.1:80 in use", Instant.now()));
            Await.until("three messages", Duration.ofSeconds(10), () -> r.delivered().size() == 3);
            assertEquals(List.of("applied", "refused", "refused"), r.delivered().stream().map(NotifierTest::event).toList());
            assertEquals(List.of("Applied", "ValidationFailed", "BindFailed"),
                    r.delivered().stream().map(b -> field(b, "reason")).toList());
            Await.until("nothing pending", Duration.ofSeconds(5), () -> n.pending() == 0);
        }
    }

    @Test
    void eachTargetGetsOnlyTheEventsItAsksForInItsFormat() throws Exception {
        try (Receiver json = Receiver.start(0); Receiver slack = Receiver.start(0);
             Notifier n = notifier(List.of(
                     target("all", json.url("/all"), null),
                     target("chat", slack.url("/services/T0/B0/x"), NotifyFormat.SLACK, NotifyEvent.REFUSED)))) {
            n.publish(applied(REV1));
            n.publish(SyncEvent.about(NotifyEvent.REFUSED, REV2, "ValidationFailed", "proxy.yaml:3: frontends[0]: bad",
                    Instant.now()));
            Await.until("both at the json target", Duration.ofSeconds(10), () -> json.delivered().size() == 2);
            Await.until("the refusal in chat", Duration.ofSeconds(10), () -> slack.delivered().size() == 1);
            JsonNode chat = JSON.readTree(slack.delivered().get(0));
            assertEquals(1, chat.size(), "Slack's body is {\"text\": …} only: " + chat);
            assertEquals("lb1: refused main@2222222 (ValidationFailed): proxy.yaml:3: frontends[0]: bad",
                    chat.get("text").asText());
            assertEquals(List.of("/services/T0/B0/x"), slack.paths());
        }
    }

    @Test
    void undeliveredMessagesSurviveARestartAndDeliveredOnesAreNotSentAgain() throws Exception {
        try (Receiver r = Receiver.start(0)) {
            List<NotifyTarget> targets = List.of(target("hook", r.url("/hook"), NotifyFormat.JSON));
            try (Notifier n = notifier(targets)) {
                n.publish(applied(REV1));
                Await.until("first delivered", Duration.ofSeconds(10), () -> r.delivered().size() == 1);
                r.failing = true;
                n.publish(SyncEvent.about(NotifyEvent.REFUSED, REV2, "ValidationFailed", "bad", Instant.now()));
                Await.until("a failed attempt", Duration.ofSeconds(10), () -> r.requests() >= 3);
                assertEquals(1, n.pending());
            }
            String saved = Files.readString(state.resolve(Notifier.FILE_NAME));
            assertFalse(saved.contains(r.url("/hook")), "the file holds no URL: " + saved);
            r.failing = false;
            try (Notifier again = notifier(targets)) {
                // A restart applies REV1 again: nothing new. The refusal left pending is sent now.
                again.publish(applied(REV1));
                Await.until("the pending refusal", Duration.ofSeconds(10), () -> r.delivered().size() == 2);
                again.publish(SyncEvent.about(NotifyEvent.APPLIED, REV2, "Applied", "fixed", Instant.now()));
                Await.until("the barrier", Duration.ofSeconds(10), () -> r.delivered().size() == 3);
            }
            assertEquals(List.of("applied " + REV1, "refused " + REV2, "applied " + REV2),
                    r.delivered().stream().map(b -> event(b) + " " + field(b, "revision")).toList());
        }
    }

    @Test
    void fetchFailingIsSentOncePerOutageAfterTheTargetsThreshold() throws Exception {
        try (Receiver r = Receiver.start(0);
             Notifier n = notifier(List.of(new NotifyTarget("hook", r.url("/hook"), null, List.of(), Duration.ofMinutes(5),
                     null)))) {
            Instant since = Instant.parse("2026-12-01T10:00:00Z");
            n.publish(SyncEvent.fetchFailing(since, "ls-remote failed", since.plusSeconds(60)));
            n.publish(SyncEvent.fetchFailing(since, "ls-remote failed", since.plusSeconds(301)));
            n.publish(SyncEvent.fetchFailing(since, "ls-remote failed", since.plusSeconds(600)));
            Instant later = since.plusSeconds(3600);
            n.publish(SyncEvent.fetchFailing(later, "fetch timed out", later.plusSeconds(400)));
            Await.until("two outages", Duration.ofSeconds(10), () -> r.delivered().size() == 2);
            assertEquals("lb1: cannot fetch the config repo since 2026-12-01T10:00:00Z: ls-remote failed",
                    field(r.delivered().get(0), "text"));
            assertTrue(field(r.delivered().get(1), "text").contains("since 2026-12-01T11:00:00Z"));
        }
    }

    @Test
    void aReceiverThatRefusesTheMessageDoesNotBlockTheNext() throws Exception {
        AtomicReference<Integer> answer = new AtomicReference<>(404);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/", ex -> {
            got.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(answer.getAndSet(200), -1);
            ex.close();
        });
        server.start();
        try (Notifier n = notifier(List.of(target("hook", "http://127.0.0.1:" + server.getAddress().getPort() + "/x",
                NotifyFormat.JSON)))) {
            n.publish(applied(REV1));
            n.publish(applied(REV2));
            Await.until("both tried", Duration.ofSeconds(10), () -> got.size() == 2 && n.pending() == 0);
            assertEquals(List.of(REV1, REV2), got.stream().map(b -> field(b, "revision")).toList(),
                    "a 404 is not retried: the message is dropped and the next one goes");
            assertTrue(n.metricsText().contains("pointsman_notify_messages_total{target=\"hook\",result=\"refused\"} 1"),
                    n.metricsText());
            assertTrue(n.metricsText().contains("pointsman_notify_messages_total{target=\"hook\",result=\"delivered\"} 1"),
                    n.metricsText());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Notifier n = new Notifier("lb1", null, List::of, UnaryOperator.identity(), Clock.systemUTC(),
                new Notifier.Settings(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24), 10));
        try {
            assertEquals(List.of(1L, 2L, 4L, 8L, 256L, 300L, 300L),
                    List.of(1, 2, 3, 4, 9, 10, 60).stream().map(a -> n.backoff(a).toSeconds()).toList());
        } finally {
            n.close();
        }
    }

    static String event(String body) {
        return field(body, "event");
    }

    static String field(String body, String name) {
        try {
            return JSON.readTree(body).path(name).asText(null);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
