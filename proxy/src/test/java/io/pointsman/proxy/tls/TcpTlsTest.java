package io.pointsman.proxy.tls;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.TlsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** TLS termination in tcp mode: the client speaks TLS, the server gets plaintext. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued site;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create(dir, "tcp");
        site = pki.server("site", "tcp.example");
    }

    @Test
    void aTcpListenWithTlsDecryptsAndRelaysPlaintext() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             TestServer echo = TestServer.echo("plain")) {
            Tls tls = new Tls(site.cert().toString(), site.key().toString(), List.of());
            Listen l = new Listen("tunnel", Mode.TCP, List.of(Bind.plain(HostPort.parse("127.0.0.1:" + port))), tls, null, null,
                    null, null, null, null, null, null, null,
                    List.of(new Server("s", echo.address(), null, null, null, null, null)));
            ProxyConfig c = Normalizer.normalize(new ProxyConfig(1, null, null, null, List.of(), List.of(), List.of(l),
                    null, null));
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c, "r1"));
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "tcp.example")) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("plain", in.readLine(), "the server's plaintext greeting, encrypted to the client");
                s.getOutputStream().write("hello through tls\n".getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                assertEquals("hello through tls", in.readLine(), "echoed as plaintext by the server");
            }
        }
    }
}
