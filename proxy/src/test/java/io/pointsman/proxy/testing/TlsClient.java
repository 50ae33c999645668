package io.pointsman.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Blocking TLS clients (the JDK's TLS) for tests: trust one CA file, optionally present
 * a client certificate, send a server name.
 */
public final class TlsClient {
    private final SSLContext context;
    private String[] protocols;

    private TlsClient(SSLContext context) {
        this.context = context;
    }

    /** Trusts the certificates in {@code caFile} only. */
    public static TlsClient trusting(Path caFile) throws IOException, GeneralSecurityException {
        return withClientCertificate(caFile, null, null);
    }

    /** Trusts {@code caFile} and presents {@code cert}/{@code key} (PEM, PKCS#8 EC key) when asked. */
    public static TlsClient withClientCertificate(Path caFile, Path cert, Path key)
            throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caFile)) {
            trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(key), new char[0], certificates(cert).toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new TlsClient(ctx);
    }

    /** Offers only these protocol versions (e.g. {@code TLSv1.2}). */
    public TlsClient protocols(String... versions) {
        this.protocols = versions;
        return this;
    }

    /** Connects to loopback {@code port} and completes the handshake, sending {@code sni} when not null. */
    public SSLSocket connect(int port, String sni) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(10_000);
        SSLParameters params = s.getSSLParameters();
        if (sni != null) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocols != null) {
            params.setProtocols(protocols);
        }
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    /** Completes a handshake over a socket already connected (after a PROXY header, say). */
    public SSLSocket over(Socket raw, String sni) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters params = s.getSSLParameters();
        if (sni != null) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    /** The subject of the certificate the server presented. */
    public static String peerSubject(SSLSocket s) throws IOException {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    static List<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new IOException("no PKCS#8 key in " + pem);
        }
        String base64 = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        }
    }
}
