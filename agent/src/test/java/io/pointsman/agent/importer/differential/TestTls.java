package io.pointsman.agent.importer.differential;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A test CA and a certificate it signed for {@code example.com} and {@code *.example.com},
 * made once with openssl (as an operator would): as a JSSE context (for the TLS echo
 * backends), as a PEM file holding chain and key (what HAProxy's {@code crt} and
 * Pointsman's {@code tls} read) and as the CA file servers' certificates verify against
 * (HAProxy's {@code ca-file}, Pointsman's {@code ca}).
 */
final class TestTls {
    private static TestTls instance;

    final SSLContext server;
    final SSLContext trustAll;
    final Path pem;
    final Path ca;

    private TestTls(SSLContext server, SSLContext trustAll, Path pem, Path ca) {
        this.server = server;
        this.trustAll = trustAll;
        this.pem = pem;
        this.ca = ca;
    }

    static synchronized TestTls get() throws Exception {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static TestTls create() throws Exception {
        Path dir = Files.createTempDirectory("pmimp-tls");
        dir.toFile().deleteOnExit();
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key", "-out", "ca.pem", "-subj", "/CN=Pointsman import test CA", "-days", "30");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "site.key",
                "-out", "site.csr", "-subj", "/CN=example.com");
        Files.writeString(dir.resolve("site.ext"), "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:example.com,DNS:*.example.com\n");
        openssl(dir, "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "site.crt", "-days", "30", "-extfile", "site.ext");
        String leaf = Files.readString(dir.resolve("site.crt"), StandardCharsets.US_ASCII);
        String caText = Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII);
        String keyText = Files.readString(dir.resolve("site.key"), StandardCharsets.US_ASCII);
        Path pem = dir.resolve("site.pem");
        Files.writeString(pem, leaf + caText + keyText, StandardCharsets.US_ASCII);

        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate leafCert = (X509Certificate) cf.generateCertificate(bytes(leaf.getBytes(StandardCharsets.US_ASCII)));
        X509Certificate caCert = (X509Certificate) cf.generateCertificate(bytes(caText.getBytes(StandardCharsets.US_ASCII)));
        String b64 = keyText.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        char[] pass = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, pass);
        store.setKeyEntry("site", key, pass, new Certificate[] {leafCert, caCert});
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
        return new TestTls(server, client, pem, dir.resolve("ca.pem"));
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
