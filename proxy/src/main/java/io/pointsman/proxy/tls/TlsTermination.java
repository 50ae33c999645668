package io.pointsman.proxy.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsCertificate;
import io.pointsman.proxy.config.TlsVerify;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS that binds with one set of {@code tls:} settings terminate: a server context
 * per certificate, picked by SNI ({@code cert} when no name matches, else the first
 * certificate), all with the section's policy (versions, ciphers, ALPN, tickets, client
 * certificates).
 *
 * <p>Files are read by {@link #load} (when a config is applied) and again by
 * {@link #reloadIfChanged} (the {@link CertificateWatcher}, every second) once a change
 * has settled: off the event loops both. A reload swaps in new contexts for new
 * handshakes only; a connection keeps the engine it started with. A file that fails to
 * load keeps its previous certificate (or CA, or CRL) serving and says why in
 * {@link #status()}; at {@link #load} the same failure refuses the apply.
 *
 * <p>Event loops only call {@link #map}: one volatile read.
 */
public final class TlsTermination implements Mapping<String, SslContext>, WatchedTls {
    private static final Logger log = LoggerFactory.getLogger(TlsTermination.class);

    private final Tls settings;
    private final Policy policy;
    private volatile State state;
    /** A change seen on the last poll; reloaded when the next poll sees the same (watcher thread only). */
    private Snapshot pending;

    private TlsTermination(Tls settings, Policy policy, State state) {
        this.settings = settings;
        this.policy = policy;
        this.state = state;
    }

    /**
     * Reads every file of {@code settings} (normalized: defaults filled in) and builds its
     * contexts. Blocking I/O: never on an event loop.
     *
     * @throws TlsSetupException naming the file or setting that cannot be used
     */
    public static TlsTermination load(Tls settings) {
        Policy policy = Policy.of(settings);
        Snapshot now = Snapshot.of(settings);
        return new TlsTermination(settings, policy, build(settings, policy, null, now));
    }

    /** The settings (normalized) this was built from: equal settings share one termination. */
    public Tls settings() {
        return settings;
    }

    /** The context for a ClientHello's server name (null: none sent). Called on event loops. */
    @Override
    public SslContext map(String serverName) {
        return state.mapping().map(serverName);
    }

    /** Whether clients are asked for a certificate ({@code verify: optional|required}). */
    boolean asksClientCertificates() {
        return policy.clientAuth() != ClientAuth.NONE;
    }

    /** Session tickets on (the default) or off ({@code tickets: false}). */
    boolean tickets() {
        return policy.tickets();
    }

    /** Every file's state: certificates with their names and expiry, CA and CRL files, errors. */
    @Override
    public List<CertificateStatus> status() {
        return state.status();
    }

    /**
     * Reloads when a file changed and the change has settled (looked the same on two
     * polls), so a certificate and its key written one after the other are read together.
     * Called by the watcher, off the event loops. Never throws: a file that fails keeps
     * what served before.
     *
     * @return true when contexts were rebuilt
     */
    @Override
    public boolean reloadIfChanged() {
        State s = state;
        Snapshot now = Snapshot.of(settings);
        if (now.equals(s.snapshot())) {
            pending = null;
            return false;
        }
        if (!now.equals(pending)) {
            pending = now;
            return false;
        }
        pending = null;
        try {
            State next = build(settings, policy, s, now);
            state = next;
            for (CertificateStatus c : next.status()) {
                if (c.error() != null) {
                    log.warn("TLS file {} not reloaded, the previous one still serves: {}", c.file(), c.error());
                }
            }
            log.info("TLS files changed on disk: contexts rebuilt for new handshakes ({} certificates)",
                    next.served().size());
            return true;
        } catch (RuntimeException e) {
            log.warn("TLS files changed on disk but cannot be used; the previous contexts still serve: {}",
                    e.getMessage());
            state = new State(now, s.served(), s.trust(), s.mapping(), withError(s.status(), e.getMessage()));
            return false;
        }
    }

    private static List<CertificateStatus> withError(List<CertificateStatus> status, String error) {
        List<CertificateStatus> out = new ArrayList<>();
        for (CertificateStatus c : status) {
            out.add(c.withError(c.error() != null ? c.error() : error));
        }
        return out;
    }

    // ---- building ----------------------------------------------------------------------

    /** What serves now: immutable, swapped whole. */
    private record State(Snapshot snapshot, Map<Path, Served> served, Trust trust,
                         Mapping<String, SslContext> mapping, List<CertificateStatus> status) {
    }

    /** One certificate file: the last good certificate and its context (null if never good), and the last error. */
    private record Served(Path file, ServedCertificate certificate, SslContext context, String error,
                          List<FileStamp> stamps) {
    }

    /** The client-certificate verifier and the errors of its CA and CRL files. */
    private record Trust(CertificateVerifier verifier, List<X509Certificate> cas, List<X509CRL> crls,
                         String caError, String crlError, List<FileStamp> stamps) {
    }

    /** A certificate to serve and its key file (null: in the same file). */
    private record Source(Path cert, Path key) {
    }

    /** Every file's stamp and the cert_dir listing: what a reload compares. */
    private record Snapshot(List<Source> sources, Map<Path, FileStamp> stamps, String dirError) {
        static Snapshot of(Tls t) {
            List<Source> sources = new ArrayList<>();
            if (t.cert() != null) {
                sources.add(new Source(Path.of(t.cert()), t.key() == null ? null : Path.of(t.key())));
            }
            for (TlsCertificate c : t.certificates()) {
                sources.add(new Source(Path.of(c.cert()), c.key() == null ? null : Path.of(c.key())));
            }
            String dirError = null;
            if (t.certDir() != null) {
                try {
                    sources.addAll(directory(Path.of(t.certDir())));
                } catch (IOException e) {
                    dirError = "cannot list cert_dir " + t.certDir() + ": " + e;
                }
            }
            Map<Path, FileStamp> stamps = new LinkedHashMap<>();
            for (Source s : sources) {
                stamps.put(s.cert(), FileStamp.of(s.cert()));
                if (s.key() != null) {
                    stamps.put(s.key(), FileStamp.of(s.key()));
                }
            }
            if (t.clientCa() != null) {
                stamps.put(Path.of(t.clientCa()), FileStamp.of(Path.of(t.clientCa())));
            }
            if (t.crl() != null) {
                stamps.put(Path.of(t.crl()), FileStamp.of(Path.of(t.crl())));
            }
            return new Snapshot(List.copyOf(sources), stamps, dirError);
        }

        List<FileStamp> stamps(Path... files) {
            List<FileStamp> out = new ArrayList<>();
            for (Path f : files) {
                out.add(f == null ? null : stamps.get(f));
            }
            return out;
        }
    }

    /** HAProxy's {@code crt <dir>}: every {@code NAME.pem}, in name order, its key inside or in {@code NAME.key}. */
    private static List<Source> directory(Path dir) throws IOException {
        List<Path> pems = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path p : files) {
                if (!p.getFileName().toString().startsWith(".")) {
                    pems.add(p);
                }
            }
        }
        pems.sort(null);
        List<Source> out = new ArrayList<>();
        for (Path pem : pems) {
            String name = pem.getFileName().toString();
            Path key = pem.resolveSibling(name.substring(0, name.length() - ".pem".length()) + ".key");
            out.add(new Source(pem, Files.exists(key) ? key : null));
        }
        return out;
    }

    /**
     * The state for {@code now}: what is unchanged since {@code before} is kept, what changed
     * is read again. With no {@code before} (an apply) any failure throws; on a reload a
     * failed file keeps its previous version and records the error.
     */
    private static State build(Tls t, Policy policy, State before, Snapshot now) {
        boolean initial = before == null;
        if (now.dirError() != null && initial) {
            throw new TlsSetupException(now.dirError());
        }
        Trust trust = trust(t, before == null ? null : before.trust(), now);
        boolean trustChanged = before != null && trust.verifier() != before.trust().verifier();
        Map<Path, Served> served = new LinkedHashMap<>();
        for (Source src : now.sources()) {
            List<FileStamp> stamps = now.stamps(src.cert(), src.key());
            Served old = before == null ? null : before.served().get(src.cert());
            Served next;
            if (old != null && old.stamps().equals(stamps)) {
                next = trustChanged && old.certificate() != null
                        ? new Served(src.cert(), old.certificate(), context(old.certificate(), policy, trust),
                                old.error(), stamps)
                        : old;
            } else {
                try {
                    ServedCertificate c = ServedCertificate.load(src.cert(), src.key());
                    next = new Served(src.cert(), c, context(c, policy, trust), null, stamps);
                    if (c.notAfter().isBefore(Instant.now())) {
                        log.warn("TLS certificate {} expired at {}; it is served all the same", src.cert(),
                                c.notAfter());
                    }
                } catch (TlsSetupException e) {
                    if (initial) {
                        throw e;
                    }
                    next = old != null && old.certificate() != null
                            ? new Served(src.cert(), old.certificate(),
                                    trustChanged ? context(old.certificate(), policy, trust) : old.context(),
                                    e.getMessage(), stamps)
                            : new Served(src.cert(), null, null, e.getMessage(), stamps);
                }
            }
            served.put(src.cert(), next);
        }
        Mapping<String, SslContext> mapping = mapping(served.values());
        if (mapping == null) {
            if (initial) {
                throw new TlsSetupException(t.certDir() != null
                        ? "no certificate to serve: cert_dir " + t.certDir() + " has no NAME.pem"
                        : "no certificate to serve");
            }
            mapping = before.mapping(); // every certificate is gone or broken: keep serving the old ones
        }
        return new State(now, served, trust, mapping, status(t, served.values(), trust, now));
    }

    private static Trust trust(Tls t, Trust before, Snapshot now) {
        if (t.clientCa() == null) {
            return new Trust(null, List.of(), null, null, null, List.of());
        }
        Path ca = Path.of(t.clientCa());
        Path crl = t.crl() == null ? null : Path.of(t.crl());
        List<FileStamp> stamps = now.stamps(ca, crl);
        if (before != null && before.stamps().equals(stamps)) {
            return before;
        }
        List<X509Certificate> cas = before == null ? null : before.cas();
        List<X509CRL> crls = before == null ? null : before.crls();
        String caError = null;
        String crlError = null;
        try {
            cas = Pem.certificates(ca);
        } catch (TlsSetupException e) {
            if (before == null) {
                throw new TlsSetupException("client_ca: " + e.getMessage(), e);
            }
            caError = e.getMessage();
        }
        if (crl != null) {
            try {
                crls = Pem.crls(crl);
            } catch (TlsSetupException e) {
                if (before == null) {
                    throw new TlsSetupException("crl: " + e.getMessage(), e);
                }
                crlError = e.getMessage();
            }
        }
        if (before != null && cas == before.cas() && crls == before.crls()) {
            return new Trust(before.verifier(), cas, crls, caError, crlError, stamps);
        }
        return new Trust(CertificateVerifier.forClients(cas, crls), cas, crls, caError, crlError, stamps);
    }

    /** SNI names to contexts; the first certificate that loaded is the default. Null when none did. */
    private static Mapping<String, SslContext> mapping(Iterable<Served> served) {
        DomainWildcardMappingBuilder<SslContext> b = null;
        Set<String> taken = new HashSet<>();
        for (Served s : served) {
            if (s.context() == null) {
                continue;
            }
            if (b == null) {
                b = new DomainWildcardMappingBuilder<>(s.context());
            }
            for (String name : s.certificate().names) {
                if (taken.add(name)) { // the first certificate with a name keeps it, as HAProxy
                    b.add(name, s.context());
                }
            }
        }
        return b == null ? null : b.build();
    }

    private static SslContext context(ServedCertificate c, Policy policy, Trust trust) {
        try {
            SslContextBuilder b = policy.common().applyTo(SslContextBuilder
                    .forServer(c.key, c.chain.toArray(new X509Certificate[0]))
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK));
            if (trust.verifier() != null) {
                b.trustManager(trust.verifier()).clientAuth(policy.clientAuth());
            }
            SslContext ctx = b.build();
            if (policy.tickets() && ctx instanceof OpenSslContext openSsl) {
                openSsl.sessionContext().setTicketKeys(); // BoringSSL makes and rotates the keys
            }
            return ctx;
        } catch (SSLException | RuntimeException e) {
            throw new TlsSetupException("cannot use certificate " + c.certFile + ": " + e.getMessage(), e);
        }
    }

    private static List<CertificateStatus> status(Tls t, Iterable<Served> served, Trust trust, Snapshot now) {
        List<CertificateStatus> out = new ArrayList<>();
        for (Served s : served) {
            ServedCertificate c = s.certificate();
            out.add(new CertificateStatus(s.file().toString(), "certificate", c == null ? List.of() : c.names,
                    c == null ? null : c.notAfter(), c == null ? null : c.serial(), s.error()));
        }
        if (now.dirError() != null) {
            out.add(new CertificateStatus(t.certDir(), "cert_dir", List.of(), null, now.dirError()));
        }
        if (t.clientCa() != null) {
            Instant first = null;
            for (X509Certificate ca : trust.cas()) {
                Instant n = ca.getNotAfter().toInstant();
                first = first == null || n.isBefore(first) ? n : first;
            }
            out.add(new CertificateStatus(t.clientCa(), "client_ca", List.of(), first, trust.caError()));
        }
        if (t.crl() != null) {
            Instant next = null;
            if (trust.crls() != null) {
                for (X509CRL crl : trust.crls()) {
                    Instant n = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
                    next = n != null && (next == null || n.isBefore(next)) ? n : next;
                }
            }
            out.add(new CertificateStatus(t.crl(), "crl", List.of(), next, trust.crlError()));
        }
        return List.copyOf(out);
    }

    /** What every context of one section shares: the common policy, tickets, client certificates. */
    private record Policy(TlsPolicy common, boolean tickets, ClientAuth clientAuth) {
        static Policy of(Tls t) {
            Objects.requireNonNull(t.minVersion(), "normalized tls settings");
            ClientAuth auth = t.verify() == TlsVerify.REQUIRED ? ClientAuth.REQUIRE
                    : t.verify() == TlsVerify.OPTIONAL ? ClientAuth.OPTIONAL : ClientAuth.NONE;
            return new Policy(TlsPolicy.of(t.minVersion(), t.ciphers(), t.ciphersuites(), t.alpn()),
                    Boolean.TRUE.equals(t.tickets()), auth);
        }
    }

    @Override
    public String toString() {
        return "tls " + settings.files();
    }
}
