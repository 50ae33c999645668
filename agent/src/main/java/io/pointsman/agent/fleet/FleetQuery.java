package io.pointsman.agent.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Asks every node for {@code GET /status} at once and waits at most {@code timeout} for all
 * of them together: a node that does not answer in time (or at all) is reported as
 * unreachable with the reason, never holds up the others.
 */
public final class FleetQuery {
    private FleetQuery() {}

    /** What one node said: its status, or why there is none. */
    public record Answer(FleetFile.Node node, JsonNode status, String problem) {
        public boolean reachable() {
            return status != null;
        }
    }

    /** @param env where {@code token_env} names are looked up */
    public static List<Answer> ask(List<FleetFile.Node> nodes, Duration timeout, Map<String, String> env) {
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pointsman-fleet");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).executor(pool)
                .version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        try {
            List<CompletableFuture<Answer>> pending = new ArrayList<>();
            for (FleetFile.Node n : nodes) {
                pending.add(ask(http, json, n, timeout, env));
            }
            long deadline = System.nanoTime() + timeout.plusMillis(500).toNanos();
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                CompletableFuture<Answer> f = pending.get(i);
                try {
                    answers.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    f.cancel(true);
                    answers.add(new Answer(nodes.get(i), null, "no answer within " + timeout.toMillis() + " ms"));
                } catch (java.util.concurrent.ExecutionException e) {
                    answers.add(new Answer(nodes.get(i), null, String.valueOf(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answers.add(new Answer(nodes.get(i), null, "interrupted"));
                }
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static CompletableFuture<Answer> ask(HttpClient http, ObjectMapper json, FleetFile.Node n, Duration timeout,
            Map<String, String> env) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(n.statusUrl().replaceAll("/+$", "") + "/status")).timeout(timeout).GET();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Answer(n, null, "bad status_url: " + e.getMessage()));
        }
        if (n.tokenEnv() != null) {
            String token = env.get(n.tokenEnv());
            if (token == null || token.isBlank()) {
                return CompletableFuture.completedFuture(new Answer(n, null,
                        "token_env " + n.tokenEnv() + " is not set in this environment"));
            }
            b.header("Authorization", "Bearer " + token.strip());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null) {
                Throwable c = error.getCause() != null ? error.getCause() : error;
                String m = c instanceof java.net.ConnectException && c.getMessage() == null ? "connection refused"
                        : c.getMessage();
                return new Answer(n, null, c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m));
            }
            if (response.statusCode() != 200) {
                return new Answer(n, null, "/status answered HTTP " + response.statusCode());
            }
            try {
                return new Answer(n, json.readTree(response.body()), null);
            } catch (java.io.IOException e) {
                return new Answer(n, null, "/status did not return JSON");
            }
        });
    }
}
