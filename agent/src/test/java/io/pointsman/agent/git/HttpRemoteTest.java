package io.pointsman.agent.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pointsman.agent.sync.CentralRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * http(s) remotes for real: the git CLI's own smart-HTTP server ({@code git http-backend}, as CGI
 * behind a JDK HTTP server on loopback) that demands HTTP Basic auth, as GitHub and GitLab do for
 * tokens. (Plain http: TLS is the JDK's business, not the agent's.)
 */
@Timeout(60)
class HttpRemoteTest {
    static final String TOKEN = "glpat-s3cr3t-token";

    @TempDir
    Path tmp;
    CentralRepo central;
    HttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        central = CentralRepo.create(tmp.resolve("remote"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::cgi);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-git-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String url(String userinfo) {
        return "http://" + (userinfo == null ? "" : userinfo + "@") + "127.0.0.1:" + server.getAddress().getPort() + "/central.git";
    }

    /** Basic auth with any user name and the token as password, then {@code git http-backend}. */
    private void cgi(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((RemoteAuth.TOKEN_USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
            String expectedUrlUser = "Basic " + Base64.getEncoder().encodeToString(("alice:" + TOKEN).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth) && !expectedUrlUser.equals(auth)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = pb.environment();
            env.put("GIT_PROJECT_ROOT", central.root().toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", ex.getRequestMethod());
            env.put("PATH_INFO", ex.getRequestURI().getPath());
            env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            env.put("CONTENT_TYPE", ct == null ? "" : ct);
            String ce = ex.getRequestHeaders().getFirst("Content-Encoding");
            if (ce != null) {
                env.put("HTTP_CONTENT_ENCODING", ce);
            }
            String proto = ex.getRequestHeaders().getFirst("Git-Protocol");
            if (proto != null) {
                env.put("GIT_PROTOCOL", proto);
            }
            env.put("REMOTE_USER", "agent");
            env.put("REMOTE_ADDR", "127.0.0.1");
            Process p = pb.start();
            try (OutputStream stdin = p.getOutputStream(); InputStream body = ex.getRequestBody()) {
                body.transferTo(stdin);
            }
            byte[] out = p.getInputStream().readAllBytes();
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int split = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int sepLen = 4;
            if (split < 0) {
                split = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
                sepLen = 2;
            }
            int status = 200;
            for (String line : new String(out, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.substring(0, 3));
                } else {
                    ex.getResponseHeaders().add(name, value);
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(out, split + sepLen, out.length - split - sepLen);
            ex.sendResponseHeaders(status, body.size() == 0 ? -1 : body.size());
            if (body.size() > 0) {
                ex.getResponseBody().write(body.toByteArray());
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void tokenFromTheEnvironmentFetches() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: http\n", "a");
        RemoteAuth auth = RemoteAuth.fromEnvironment(Map.of(RemoteAuth.ENV_TOKEN, TOKEN), tmp);
        try (GitMirror m = new GitMirror(url(null), "main", tmp.resolve("s/repo.git"), auth, Duration.ofSeconds(10))) {
            assertEquals(a, m.remoteHead().name());
            assertEquals(a, m.fetch().name());
            assertEquals("version: 1\nname: http\n", m.read(m.localHead(), "lb1").get("proxy.yaml"));
        }
    }

    @Test
    void credentialsInTheUrlWorkButAreNeverShown() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\n", "a");
        try (GitMirror m = new GitMirror(url("alice:" + TOKEN), "main", tmp.resolve("s/repo.git"), RemoteAuth.none(),
                Duration.ofSeconds(10))) {
            assertEquals(a, m.fetch().name());
            assertEquals(url(null), m.displayUrl());
        }
    }

    @Test
    void wrongTokenIsRefusedAndTheMessageHoldsNoSecret() throws Exception {
        central.push("proxy.yaml", "version: 1\n", "a");
        RemoteAuth auth = RemoteAuth.token("wrong-" + TOKEN);
        try (GitMirror m = new GitMirror(url(null), "main", tmp.resolve("s/repo.git"), auth, Duration.ofSeconds(10))) {
            GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.getAddress().getPort()), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
            System.out.println("wrong token: " + e.getMessage());
        }
    }
}
