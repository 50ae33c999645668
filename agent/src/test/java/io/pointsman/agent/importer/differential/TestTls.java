package io.pointsman.agent.importer.differential;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A self-signed certificate made once with the JDK's keytool, as a JSSE context (for the
 * TLS echo backends) and as a PEM file holding chain and key (what HAProxy's {@code crt}
 * and Pointsman's {@code tls} read).
 */
final class TestTls {
    private static TestTls instance;

    final SSLContext server;
    final SSLContext trustAll;
    final Path pem;

    private TestTls(SSLContext server, SSLContext trustAll, Path pem) {
        this.server = server;
        this.trustAll = trustAll;
        this.pem = pem;
    }

    static synchronized TestTls get() throws Exception {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static TestTls create() throws Exception {
        Path dir = Files.createTempDirectory("pmimp-tls");
        dir.toFile().deleteOnExit();
        Path ks = dir.resolve("test.p12");
        char[] pass = "changeit".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "test", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=example.com", "-ext", "SAN=dns:example.com,dns:*.example.com",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pass);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        X509Certificate cert = (X509Certificate) store.getCertificate("test");
        PrivateKey key = (PrivateKey) store.getKey("test", pass);
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        String text = "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path pem = dir.resolve("site.pem");
        Files.writeString(pem, text, StandardCharsets.US_ASCII);
        return new TestTls(server, client, pem);
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
