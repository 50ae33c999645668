package io.pointsman.proxy.statspage;

import com.sun.net.httpserver.HttpServer;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.Defaults;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.StatsAuth;
import io.pointsman.proxy.health.HealthState;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stats page of a real running proxy, rendered by a real browser (headless Chromium):
 * one server UP, one DOWN by its health check, one disabled (MAINT). Asserts on the
 * screenshot's pixels (HAProxy's status colours are there) and on the DOM Chromium built.
 * The screenshot is left in {@code target/stats-page.png} to look at (the one in
 * {@code docs/} was taken from it).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatsPageBrowserTest {
    private static final String COMMIT = "3f9a2c41d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3";
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 900;
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(120);
    private static final Check FAST = new Check(CheckType.TCP, null, null, Duration.ofMillis(100), 1, 1);

    @Test
    void chromiumRendersAHaproxyLikePage(@TempDir Path tmp) throws Exception {
        Optional<Path> chromium = findChromium();
        Assumptions.assumeTrue(chromium.isPresent(),
                "no chromium binary on PATH (Debian package 'chromium'; ./test installs it): browser check skipped");

        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        app.createContext("/", exchange -> {
            byte[] body = "hello from app\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        int port = Clients.freePort();
        HostPort up = new HostPort("127.0.0.1", app.getAddress().getPort());
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        HostPort maint = new HostPort("127.0.0.1", Clients.deadPort() + 1);
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            assertEquals(ApplyResult.Applied.class, runtime.apply(config(port, up, dead, maint), COMMIT).getClass());
            HealthState deadState = runtime.health().state("web", dead.toString());
            HealthState upState = runtime.health().state("web", up.toString());
            Clients.await("dead server DOWN and live one checked", 10_000,
                    () -> !deadState.isUsable() && upState.snapshot().lastCheck() != null);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("hello from app\n", r.body());
            }

            try (StatsListener stats = StatsListener.start(
                    new Stats(new HostPort("127.0.0.1", 0), "/stats", null, new StatsAuth("admin", "s3cret")),
                    StatsReports.of(runtime, "lb1.example", "0.1.0-test"))) {
                String url = "http://admin:s3cret@127.0.0.1:" + stats.localAddress().getPort() + "/stats";

                Path png = tmp.resolve("stats.png");
                runChromium(chromium.get(), tmp.resolve("profile-shot"), List.of("--screenshot=" + png, url), tmp);
                assertTrue(Files.size(png) > 0, "screenshot written: " + png);
                BufferedImage image = ImageIO.read(png.toFile());
                assertNotNull(image, "the PNG decodes");
                assertEquals(WIDTH, image.getWidth());
                assertEquals(HEIGHT, image.getHeight());
                Set<Integer> colours = colours(image);
                assertTrue(colours.size() >= 8, "not blank: " + colours.size() + " distinct colours");
                assertTrue(colours.contains(0xc0ffc0), "UP green (#c0ffc0) is on screen");
                assertTrue(colours.contains(0xff9090), "DOWN red (#ff9090) is on screen");
                assertTrue(colours.contains(0xc07820), "MAINT brown (#c07820) is on screen");
                assertTrue(colours.contains(0xb00040), "proxy name header (#b00040) is on screen");
                Path shown = Path.of("target", "stats-page.png");
                Files.createDirectories(shown.getParent());
                Files.copy(png, shown, StandardCopyOption.REPLACE_EXISTING);

                String dom = runChromium(chromium.get(), tmp.resolve("profile-dom"), List.of("--dump-dom", url), tmp);
                assertTrue(dom.contains("Statistics Report for node lb1.example"), dom);
                assertTrue(dom.contains("<th class=\"pxname\""), "proxy tables");
                assertTrue(dom.contains(">fe</a>"), "the frontend's table");
                assertTrue(dom.contains(">web</a>"), "the backend's table");
                assertTrue(dom.contains("<tr class=\"frontend\"><td class=\"ac\">FRONTEND</td>"), "FRONTEND row");
                assertTrue(dom.contains("<tr class=\"backend\"><td class=\"ac\">BACKEND</td>"), "BACKEND row");
                assertTrue(dom.contains("<tr class=\"active_up\"><td class=\"ac\">app</td>"), "UP server row");
                assertTrue(dom.contains("<tr class=\"active_down\"><td class=\"ac\">gone</td>"), "DOWN server row");
                assertTrue(dom.contains("<tr class=\"maintain\"><td class=\"ac\">parked</td>"), "MAINT server row");
                assertTrue(dom.contains("<span class=\"status\">UP</span>"));
                assertTrue(dom.contains("<span class=\"status\">DOWN</span>"));
                assertTrue(dom.contains("<span class=\"status\">MAINT</span>"));
                assertTrue(dom.contains("title=\"" + COMMIT + "\">" + COMMIT.substring(0, 7) + "<"),
                        "7-char commit with the full one in its title");
                assertTrue(java.util.regex.Pattern.compile("<td><u tabindex=\"0\">[0-9]+<div class=\"tips\">"
                        + "<table class=\"det\">").matcher(dom).find(),
                        "the Sessions/Total hover box survives Chromium's parser inside its cell");
                assertTrue(dom.contains("<tr class=\"hrsp_2xx\"><th>- HTTP 2xx responses:</th><td>5</td>"),
                        "the five 200 answers in the frontend's breakdown");
            }
        } finally {
            app.stop(0);
        }
    }

    /** Runs one headless Chromium command; returns its stdout (the DOM for --dump-dom). */
    private static String runChromium(Path chromium, Path profile, List<String> extra, Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + WIDTH + "," + HEIGHT));
        cmd.addAll(extra);
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish in " + BROWSER_TIMEOUT + ": " + cmd
                        + "\n" + tail(err));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "chromium exit status; stderr:\n" + tail(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                seen.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return seen;
    }

    private static Optional<Path> findChromium() {
        List<String> names = List.of("chromium", "chromium-browser", "google-chrome", "chrome");
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(File.pathSeparator))
                .flatMap(dir -> names.stream().map(n -> Path.of(dir, n)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static ProxyConfig config(int port, HostPort up, HostPort dead, HostPort maint) {
        Frontend fe = new Frontend("fe", Mode.HTTP, List.of(Bind.plain(new HostPort("127.0.0.1", port))), null, null, null, null,
                null, List.of(), List.of(), "web");
        Backend web = new Backend("web", Mode.HTTP, null, FAST, null, null, 0, false, List.of(
                new Server("app", up, null, true, null, null, null),
                new Server("gone", dead, null, true, null, null, null),
                new Server("parked", maint, null, true, null, null, true)));
        ProxyConfig raw = new ProxyConfig(1, new Global(null, 1, null, null, null),
                new Defaults(Mode.HTTP, null, null, null, null), null, List.of(fe), List.of(web), List.of(), null, null);
        return Normalizer.normalize(raw);
    }
}
