package io.pointsman.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ServerTls;
import io.pointsman.proxy.config.TlsVerify;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS from Pointsman to the servers of backends with one set of {@code tls:} settings: a
 * client context (the CA and CRL that server certificates are verified against, the client
 * certificate for servers that ask, versions, ciphers, ALPN) and the name each connection
 * is made for. Built when a config is applied; its files are watched and reloaded like a
 * bind's ({@link CertificateWatcher}); a connection keeps the engine it started with.
 *
 * <p>Event loops call {@link #newHandler}: one volatile read and a new engine. BoringSSL's
 * client session cache (keyed by name and port) lets later connections to a server resume
 * instead of making a full handshake.
 */
public final class TlsOrigination implements WatchedTls {
    private static final Logger log = LoggerFactory.getLogger(TlsOrigination.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final ServerTls settings;
    private final TlsPolicy policy;
    /** Tells pooled connections of this origination from others to the same server. */
    private final String id = "tls" + IDS.incrementAndGet();
    private volatile State state;
    private Map<Path, FileStamp> pending;

    private record State(Map<Path, FileStamp> stamps, SslContext context, List<CertificateStatus> status) {
    }

    private TlsOrigination(ServerTls settings, TlsPolicy policy, State state) {
        this.settings = settings;
        this.policy = policy;
        this.state = state;
    }

    /**
     * Reads the files of {@code settings} (normalized) and builds the context. Blocking
     * I/O: never on an event loop.
     *
     * @throws TlsSetupException naming the file or setting that cannot be used
     */
    public static TlsOrigination load(ServerTls settings) {
        TlsPolicy policy = TlsPolicy.of(settings.minVersion(), settings.ciphers(), settings.ciphersuites(),
                settings.alpn());
        Map<Path, FileStamp> stamps = stamps(settings);
        Loaded loaded = Loaded.read(settings);
        return new TlsOrigination(settings, policy, new State(stamps, context(settings, policy, loaded),
                loaded.status(settings, null)));
    }

    public ServerTls settings() {
        return settings;
    }

    /** Differs between originations: part of the key of pooled server connections. */
    public String id() {
        return id;
    }

    /**
     * The name a connection to {@code address} is made for: {@code sni}, else the server's
     * host name; null for a server given by IP address without {@code sni} (no SNI is sent
     * and only the chain is verified, as HAProxy without {@code sni}/{@code verifyhost}).
     */
    public String peerName(HostPort address) {
        if (settings.sni() != null) {
            return settings.sni();
        }
        String host = address.host();
        return io.netty.util.NetUtil.isValidIpV4Address(host) || io.netty.util.NetUtil.isValidIpV6Address(host)
                ? null : host;
    }

    /**
     * A TLS handler for a new connection to {@code address}; its handshake starts when the
     * connection is up and must finish within {@code handshakeTimeoutMillis}.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, HostPort address, long handshakeTimeoutMillis) {
        String name = peerName(address);
        SslHandler h = state.context().newHandler(alloc, name != null ? name : address.host(), address.port());
        if (name != null && name.indexOf('.') < 0) {
            // Netty sends SNI only for dotted names; a one-label name (localhost, a cluster
            // service) is a name all the same, and OpenSSL's clients send it.
            javax.net.ssl.SSLParameters p = h.engine().getSSLParameters();
            p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(name)));
            h.engine().setSSLParameters(p);
        }
        if (handshakeTimeoutMillis > 0) {
            h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        }
        return h;
    }

    @Override
    public List<CertificateStatus> status() {
        return state.status();
    }

    @Override
    public boolean reloadIfChanged() {
        State s = state;
        Map<Path, FileStamp> now = stamps(settings);
        if (now.equals(s.stamps())) {
            pending = null;
            return false;
        }
        if (!now.equals(pending)) {
            pending = now;
            return false;
        }
        pending = null;
        try {
            Loaded loaded = Loaded.read(settings);
            state = new State(now, context(settings, policy, loaded), loaded.status(settings, null));
            log.info("TLS files for servers changed on disk: context rebuilt for new connections ({})",
                    settings.files());
            return true;
        } catch (RuntimeException e) {
            log.warn("TLS files for servers changed on disk but cannot be used; the previous context still serves: {}",
                    e.getMessage());
            state = new State(now, s.context(), withError(s.status(), e.getMessage()));
            return false;
        }
    }

    private static List<CertificateStatus> withError(List<CertificateStatus> status, String error) {
        List<CertificateStatus> out = new ArrayList<>();
        for (CertificateStatus c : status) {
            boolean named = error.contains(c.file());
            out.add(c.withError(named ? error : c.error()));
        }
        return out;
    }

    private static Map<Path, FileStamp> stamps(ServerTls t) {
        Map<Path, FileStamp> out = new LinkedHashMap<>();
        for (String f : t.files()) {
            out.put(Path.of(f), FileStamp.of(Path.of(f)));
        }
        return out;
    }

    /** What the files hold. */
    private record Loaded(List<X509Certificate> cas, List<X509CRL> crls, ServedCertificate client) {
        static Loaded read(ServerTls t) {
            List<X509Certificate> cas = null;
            if (t.verify() != TlsVerify.NONE) {
                cas = ServerTls.SYSTEM_CA.equals(t.ca()) ? systemCas() : prefixed("ca", () -> Pem.certificates(
                        Path.of(t.ca())));
            }
            List<X509CRL> crls = t.crl() == null || t.verify() == TlsVerify.NONE ? null
                    : prefixed("crl", () -> Pem.crls(Path.of(t.crl())));
            ServedCertificate client = t.cert() == null ? null : prefixed("cert", () -> ServedCertificate.load(
                    Path.of(t.cert()), t.key() == null ? null : Path.of(t.key())));
            return new Loaded(cas, crls, client);
        }

        List<CertificateStatus> status(ServerTls t, String error) {
            List<CertificateStatus> out = new ArrayList<>();
            if (client != null) {
                out.add(new CertificateStatus(t.cert(), "client_certificate", client.names, client.notAfter(),
                        client.serial(), error));
            }
            if (t.ca() != null && !ServerTls.SYSTEM_CA.equals(t.ca()) && cas != null) {
                Instant first = null;
                for (X509Certificate ca : cas) {
                    Instant n = ca.getNotAfter().toInstant();
                    first = first == null || n.isBefore(first) ? n : first;
                }
                out.add(new CertificateStatus(t.ca(), "server_ca", List.of(), first, error));
            }
            if (crls != null) {
                Instant next = null;
                for (X509CRL crl : crls) {
                    Instant n = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
                    next = n != null && (next == null || n.isBefore(next)) ? n : next;
                }
                out.add(new CertificateStatus(t.crl(), "server_crl", List.of(), next, error));
            }
            return List.copyOf(out);
        }
    }

    private interface Read<T> {
        T get();
    }

    private static <T> T prefixed(String key, Read<T> read) {
        try {
            return read.get();
        } catch (TlsSetupException e) {
            throw new TlsSetupException(key + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> systemCas() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return List.of(x.getAcceptedIssuers());
                }
            }
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new TlsSetupException("ca: @system-ca: cannot read the JDK's trusted CAs: " + e.getMessage(), e);
        }
        throw new TlsSetupException("ca: @system-ca: the JDK has no trusted CAs");
    }

    private static SslContext context(ServerTls t, TlsPolicy policy, Loaded loaded) {
        try {
            SslContextBuilder b = policy.applyTo(SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK))
                    // Names are checked by the verifier, the way HAProxy does (see CertificateVerifier).
                    .endpointIdentificationAlgorithm(null);
            if (t.verify() == TlsVerify.NONE) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else {
                b.trustManager(CertificateVerifier.forServers(loaded.cas(), loaded.crls()));
            }
            if (loaded.client() != null) {
                b.keyManager(loaded.client().key, loaded.client().chain.toArray(new X509Certificate[0]));
            }
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsSetupException("cannot make a TLS client context: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "tls to servers " + settings.files();
    }
}
