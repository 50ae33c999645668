package io.pointsman.agent.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.git.GitMirror;
import io.pointsman.agent.git.RemoteAuth;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.node.NodeApplier;
import io.pointsman.agent.state.StateStore;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import io.pointsman.agent.sync.SyncEngine;
import io.pointsman.agent.sync.SyncOptions;
import io.pointsman.agent.sync.SyncReason;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sync.notify} on a real node: real git, the production applier and proxy, a real
 * HTTP receiver. Proves the events of SPEC §11 arrive once each, across restarts and
 * retries, without secrets, and that a receiver that never answers delays no apply.
 */
class NotifyEndToEndTest {
    static final String SECRET = "s3cr3t-Value-77";

    @TempDir
    Path tmp;

    private Node node;

    /** One node process: proxy, applier, notifier, engine on a state dir. */
    private static final class Node implements AutoCloseable {
        final ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
        final NodeApplier applier;
        final Notifier notifier;
        final SyncEngine engine;

        Node(String url, Path stateDir, Duration poll) {
            applier = new NodeApplier(runtime, "lb1", SecretSource.of(Map.of("LB_SECRET", SECRET)),
                    new KeepalivedManager(null), () -> new InetSocketAddress("127.0.0.1", 9));
            notifier = new Notifier("lb1", stateDir, applier::notifyTargets, applier::redact, Clock.systemUTC(),
                    NotifierTest.FAST).start();
            GitMirror mirror = new GitMirror(url, "main", stateDir.resolve("repo.git"), RemoteAuth.none(),
                    Duration.ofSeconds(5));
            engine = new SyncEngine(SyncOptions.defaults("lb1", "main").withPoll(poll).withMaxBackoff(poll),
                    mirror, applier, new StateStore(stateDir, Clock.systemUTC()), Clock.systemUTC(), notifier);
        }

        Node start() throws Exception {
            engine.start();
            return this;
        }

        void awaitApplied(String commit) {
            Await.until("apply of " + commit, Duration.ofSeconds(20),
                    () -> ("main@sha1:" + commit).equals(engine.status().lastAppliedRevision()),
                    () -> engine.status().reason() + ": " + engine.status().message());
        }

        @Override
        public void close() {
            engine.close();
            notifier.close();
            applier.close();
        }
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String config(int port, String notify, String extra) {
        return """
                version: 1
                global: { maxconn: %s }
                listens:
                  - name: tcp
                    mode: tcp
                    bind: ["127.0.0.1:%d"]
                    servers: [ { name: s1, address: "127.0.0.1:9" } ]
                sync:
                  notify:
                    - %s
                """.formatted(extra, port, notify);
    }

    @Test
    void appliedAndRefusedArriveOnceEachAcrossRetriesAndARestart() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("central"));
        Path state = tmp.resolve("state");
        int port = freePort();
        try (Receiver r = Receiver.start(2)) {
            String notify = "{ name: team, url: \"" + r.url("/hooks/T0/" + "tokenpath") + "\", on: [applied, refused] }";
            String c1 = central.push("proxy.yaml", config(port, notify, "1000"), "c1");
            node = new Node(central.url(), state, Duration.ofMinutes(10)).start();
            node.awaitApplied(c1);
            Await.until("applied c1 delivered after two 503s", Duration.ofSeconds(15), () -> r.delivered().size() == 1);

            // Invalid: a secret where a number belongs. Refused, and told once however often it is looked at.
            String c2 = central.push("proxy.yaml", config(port, notify, "\"${env:LB_SECRET}\""), "c2: bad maxconn");
            node.engine.requestSync("test");
            Await.until("c2 refused", Duration.ofSeconds(15),
                    () -> node.engine.status().reason() == SyncReason.ValidationFailed);
            node.engine.requestSync("test again");
            node.engine.requestSync("and again");
            Await.until("refusal delivered", Duration.ofSeconds(15), () -> r.delivered().size() == 2);

            // A restart re-applies c1 from the local clone and sees c2 refused: nothing new to say.
            node.close();
            node = new Node(central.url(), state, Duration.ofMinutes(10)).start();
            node.awaitApplied(c1);
            Await.until("c2 still refused after the restart", Duration.ofSeconds(15),
                    () -> node.engine.status().reason() == SyncReason.ValidationFailed);
            String c3 = central.push("proxy.yaml", config(port, notify, "2000"), "c3: fixed");
            node.engine.requestSync("test");
            node.awaitApplied(c3);
            Await.until("applied c3 delivered", Duration.ofSeconds(15), () -> r.delivered().size() >= 3);

            List<String> got = r.delivered();
            assertEquals(List.of("applied main@sha1:" + c1, "refused main@sha1:" + c2, "applied main@sha1:" + c3),
                    got.stream().map(b -> NotifierTest.event(b) + " " + NotifierTest.field(b, "revision")).toList());
            assertEquals("ValidationFailed", NotifierTest.field(got.get(1), "reason"));
            assertTrue(NotifierTest.field(got.get(1), "message").contains("global.maxconn"), got.get(1));
            for (String body : got) {
                assertFalse(body.contains(SECRET), "secret in " + body);
                assertFalse(body.contains("tokenpath"), "URL in " + body);
            }
            String status = io.pointsman.agent.state.Json.mapper().writeValueAsString(node.engine.status())
                    + node.applier.effectiveConfig() + node.engine.metricsText();
            assertFalse(status.contains("tokenpath"), "URL shown in status, /config or /metrics");
            assertTrue(node.applier.effectiveConfig().contains("url: http://127.0.0.1:" + r.url("").split(":")[2]
                    + "/<redacted>"), node.applier.effectiveConfig());
        }
    }

    @Test
    void aReceiverThatNeverAnswersDelaysNoApply() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("central"));
        int port = freePort();
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // read nothing, answer nothing
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String notify = "{ name: slow, url: \"http://127.0.0.1:" + silent.getLocalPort() + "/x\", timeout: 60s }";
            String c1 = central.push("proxy.yaml", config(port, notify, "1000"), "c1");
            node = new Node(central.url(), tmp.resolve("state"), Duration.ofMinutes(10)).start();
            node.awaitApplied(c1);
            Await.until("the receiver holds the first message", Duration.ofSeconds(15), () -> held.size() == 1);
            String c2 = central.push("proxy.yaml", config(port, notify, "2000"), "c2");
            String c3 = central.push("proxy.yaml", config(port, notify, "3000"), "c3");
            node.engine.requestSync("test");
            node.awaitApplied(c3);
            Await.until("c1's message in flight, c3's waiting behind it", Duration.ofSeconds(5),
                    () -> node.notifier.pending() == 2);
            assertEquals(1, held.size(), "still the first delivery, unanswered");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void fetchFailingIsToldOncePerOutageEvenAcrossARestart() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("central"));
        Path state = tmp.resolve("state");
        int port = freePort();
        try (Receiver r = Receiver.start(0)) {
            String notify = "{ name: ops, url: \"" + r.url("/ops") + "\", on: [applied, fetch_failing], "
                    + "fetch_failing_after: 1s }";
            String c1 = central.push("proxy.yaml", config(port, notify, "1000"), "c1");
            Duration poll = Duration.ofMillis(200);
            node = new Node(central.url(), state, poll).start();
            node.awaitApplied(c1);
            Await.until("applied c1 delivered", Duration.ofSeconds(15), () -> r.delivered().size() == 1);

            Path away = central.root().resolve("central.git.away");
            Files.move(central.bare(), away);
            Await.until("fetch_failing delivered", Duration.ofSeconds(20), () -> r.delivered().size() == 2);
            assertEquals("fetch_failing", NotifierTest.event(r.delivered().get(1)));

            node.close();
            node = new Node(central.url(), state, poll).start();
            long target = node.engine.metrics().syncCount() + 8;
            Await.until("more failing syncs after the restart", Duration.ofSeconds(20),
                    () -> node.engine.metrics().syncCount() >= target);
            Files.move(away, central.bare());
            String c2 = central.push("proxy.yaml", config(port, notify, "2000"), "c2");
            node.awaitApplied(c2);
            Await.until("applied c2 delivered", Duration.ofSeconds(15), () -> r.delivered().size() >= 3);
            assertEquals(List.of("applied", "fetch_failing", "applied"),
                    r.delivered().stream().map(NotifierTest::event).toList());
        }
    }
}
