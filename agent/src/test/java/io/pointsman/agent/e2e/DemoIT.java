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
            assertTrue(out.contains("git clone " + tmp.resolve("state").toAbsolutePath().normalize().resolve("central.git")), out);

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
        } finally {
            demo.destroy();
            assertTrue(demo.waitFor(20, TimeUnit.SECONDS), "demo did not stop on SIGTERM");
        }
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
