package io.pointsman.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code pointsman demo} on its embedded default (the
 * template's fixed loopback ports 8080, 8404, 9001, 9002 and the status port 9900)
 * serves what it prints, then stops cleanly.
 */
class DemoIT {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void demoServesWhatItPrints() throws Exception {
        Path log = tmp.resolve("demo.log");
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JarSmokeIT.jar().toString(), "demo", "--state-dir", tmp.resolve("state").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await(() -> get("http://127.0.0.1:9900/healthz", null).statusCode() == 200, log);
            String out = Files.readString(log);
            assertTrue(out.contains("Pointsman demo is running"), out);
            assertTrue(out.contains("git clone -q " + tmp.resolve("state").toAbsolutePath().normalize().resolve("central.git")), out);

            HttpResponse<String> web = get("http://127.0.0.1:8080/", null);
            assertEquals(200, web.statusCode());
            assertTrue(web.body().startsWith("Hello from web"), web.body());
            assertTrue(web.body().contains("X-Forwarded-For: 127.0.0.1"), web.body());
            HttpResponse<String> api = get("http://127.0.0.1:8080/api/users", null);
            assertTrue(api.body().startsWith("Hello from web2"), "path_beg /api/ goes to the api backend: " + api.body());

            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:change-me".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> csv = get("http://127.0.0.1:8404/stats;csv", auth);
            assertEquals(200, csv.statusCode(), csv.body());
            assertTrue(csv.body().startsWith("# pxname,svname,"), csv.body());
            assertTrue(csv.body().contains("public-http,FRONTEND"), csv.body());

            runTheHintsAsPrinted(out);
        } finally {
            demo.destroy();
            assertTrue(demo.waitFor(20, TimeUnit.SECONDS), "demo did not stop on SIGTERM");
        }
    }

    /**
     * Every command the demo printed, pasted into bash as a new user would (in an empty
     * directory, with an editor that makes a change): each must succeed, and they must do
     * what their comments say.
     */
    private void runTheHintsAsPrinted(String printed) throws Exception {
        List<String> commands = printed.lines().filter(l -> l.matches("  \\S.*")).map(String::strip).toList();
        assertTrue(commands.size() >= 12, "hints: " + commands);
        assertTrue(commands.stream().noneMatch(c -> c.startsWith("nc ") || c.startsWith("open ")
                || c.contains(" validate .") && c.startsWith("pointsman")), "paste-able hints only: " + commands);
        Path editor = tmp.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/retries: 3 /retries: 2 /' \"$1\"\n");
        editor.toFile().setExecutable(true);
        Path user = tmp.resolve("user");
        Files.createDirectories(user);
        StringBuilder script = new StringBuilder("set -e\n");
        for (String c : commands) {
            script.append("echo '>>> ").append(c.replace("'", "'\\''")).append("'\n").append(c).append('\n');
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(user.toFile())
                .redirectErrorStream(true);
        pb.environment().put("EDITOR", editor.toString());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().put("GIT_AUTHOR_NAME", "Demo User");
        pb.environment().put("GIT_AUTHOR_EMAIL", "demo@example.invalid");
        pb.environment().put("GIT_COMMITTER_NAME", "Demo User");
        pb.environment().put("GIT_COMMITTER_EMAIL", "demo@example.invalid");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().remove("POINTSMAN_STATS_PASSWORD");
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the hints did not finish:\n" + output);
        assertEquals(0, p.exitValue(), "a printed hint failed:\n" + output);
        assertTrue(output.contains("Hello from web"), output);
        assertTrue(output.contains("public-http,FRONTEND,OPEN"), output);
        assertTrue(output.contains("lb-config: valid"), output);
        assertTrue(output.contains("~ defaults: retries"), "diff shows the edit:\n" + output);
        assertTrue(output.matches("(?s).*\ndemo +yes +.*"), "the fleet view lists the demo node:\n" + output);
        assertTrue(output.contains("sync requested"), output);
        assertTrue(output.contains("web/web1: drain, weight 1, reason: trying drain"), "drain hint:\n" + output);
        int curl = output.indexOf("# answered by the other server");
        String answer = output.substring(curl, output.indexOf(">>>", curl));
        assertTrue(answer.contains("Hello from web2"), "while web1 is drained web2 answers:\n" + answer);
        assertTrue(output.matches("(?s).*\nweb/web1 +drain +.*trying drain.*"), "server list shows it:\n" + output);
        assertTrue(output.contains("web/web1: ready, weight 1 (as git says)"), output);
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("demo did not come up:\n" + Files.readString(log));
    }
}
