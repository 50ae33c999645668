package io.pointsman.agent.importer.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness can fail: given a Pointsman side that routes differently from HAProxy (the
 * import of a config that differs in one rule, a weight and a forwardfor), it reports each of
 * those differences. A harness that never finds anything would pass every case above.
 */
class HarnessControlTest {
    private static final String HAPROXY = """
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend fe
                bind :8080
                option forwardfor
                use_backend a if { path_beg /x }
                default_backend b
            backend a
                server a1 10.0.0.1:80
            backend b
                balance roundrobin
                server b1 10.0.0.2:80
                server b2 10.0.0.3:80
            """;

    @Test
    void reportsHttpRulesThatDiffer() throws Exception {
        assertTrue(HaproxyProcess.installed(), "needs HAProxy at " + HaproxyProcess.BINARY + " (./test installs it)");
        String haproxy = HAPROXY.replace("    option forwardfor\n", "    http-request set-header X-Env prod\n"
                + "    http-request redirect prefix https://new.example.com if { hdr(host) -i old.example.com }\n"
                + "    http-response set-header X-Frame-Options DENY\n");
        String pointsman = haproxy.replace("X-Env prod", "X-Env test").replace("new.example.com", "other.example.com")
                .replace("X-Frame-Options DENY", "X-Frame-Options SAMEORIGIN");
        try (DifferentialRun run = new DifferentialRun("control-rules", pointsman, haproxy, Map.of())) {
            run.compare(1);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().contains("x-env")),
                    () -> "a request header that differs: " + run.differences);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().equals("location")),
                    () -> "a redirect that differs: " + run.differences);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().equals("response header x-frame-options")),
                    () -> "a response header that differs: " + run.differences);
        }
    }

    @Test
    void reportsARuleAWeightAndAHeaderThatDiffer() throws Exception {
        assertTrue(HaproxyProcess.installed(), "needs HAProxy at " + HaproxyProcess.BINARY + " (./test installs it)");
        String pointsman = HAPROXY.replace("use_backend a if { path_beg /x }", "use_backend a if { path_beg /y }")
                .replace("server b2 10.0.0.3:80", "server b2 10.0.0.3:80 weight 3")
                .replace("    option forwardfor\n", "");
        try (DifferentialRun run = new DifferentialRun("control", pointsman, HAPROXY, Map.of())) {
            run.compare(1);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().equals("backend")),
                    () -> "a rule that differs: " + run.differences);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().startsWith("balancing")),
                    () -> "a weight that differs: " + run.differences);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().contains("x-forwarded-for")),
                    () -> "a header that differs: " + run.differences);
        }
    }

    @Test
    void reportsTlsThatDiffers() throws Exception {
        assertTrue(HaproxyProcess.installed(), "needs HAProxy at " + HaproxyProcess.BINARY + " (./test installs it)");
        String haproxy = HAPROXY.replace("    bind :8080\n", "    bind :8080\n    bind :8443 ssl crt /site.pem\n")
                .replace("use_backend a if { path_beg /x }", "use_backend a if { ssl_fc }")
                .replace("server a1 10.0.0.1:80", "server a1 10.0.0.1:443 ssl verify none");
        String pointsman = haproxy.replace("server a1 10.0.0.1:443 ssl verify none", "server a1 10.0.0.1:443")
                .replace("use_backend a if { ssl_fc }", "use_backend a if { ssl_fc } !{ path_beg /x }");
        try (DifferentialRun run = new DifferentialRun("control-tls", pointsman, haproxy, Map.of())) {
            run.compare(1);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().equals("TLS to the server")),
                    () -> "plain where HAProxy speaks TLS to the server: " + run.differences);
            assertTrue(run.differences.stream().anyMatch(d -> d.aspect().equals("backend") && d.probe().contains("tls")),
                    () -> "a TLS request routed elsewhere: " + run.differences);
        }
    }
}
