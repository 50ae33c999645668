package io.pointsman.proxy.http;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS termination contexts per {@code tls:} section: the default {@code cert}/{@code key}
 * and the extra {@code certificates}, picked by SNI from the names in each certificate
 * (subject alternative DNS names, else the CN; {@code *.example.com} works). OpenSSL
 * (BoringSSL) when available, else the JDK.
 *
 * <p>PEM files are read by {@link #prepare(ProxyConfig)}, which the runtime calls while
 * applying a config, off the event loops; every apply re-reads them, so a renewed
 * certificate is picked up by the next apply. The event loop only looks contexts up.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");
    private static final Map<Tls, Mapping<String, SslContext>> PREPARED = new ConcurrentHashMap<>();

    private TlsContexts() {
    }

    /** A certificate or key that cannot be used; the message names the file. */
    public static final class TlsSetupException extends IllegalArgumentException {
        public TlsSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Loads every tls section of {@code config}. Blocking file I/O: never on an event loop. */
    public static void prepare(ProxyConfig config) {
        List<Tls> sections = new ArrayList<>();
        for (Frontend f : config.frontends()) {
            if (f.tls() != null) {
                sections.add(f.tls());
            }
        }
        for (Listen l : config.listens()) {
            if (l.tls() != null) {
                sections.add(l.tls());
            }
        }
        Map<Tls, Mapping<String, SslContext>> loaded = new java.util.HashMap<>();
        for (Tls tls : sections) {
            loaded.computeIfAbsent(tls, TlsContexts::load);
        }
        PREPARED.keySet().retainAll(loaded.keySet());
        PREPARED.putAll(loaded);
    }

    /** The SNI mapping of a tls section; loads it here (with a warning) if it was not prepared. */
    static Mapping<String, SslContext> forSection(Tls tls) {
        Mapping<String, SslContext> m = PREPARED.get(tls);
        if (m == null) {
            log.warn("TLS section with cert {} was not prepared before use; loading it now", tls.cert());
            m = PREPARED.computeIfAbsent(tls, TlsContexts::load);
        }
        return m;
    }

    static Mapping<String, SslContext> load(Tls tls) {
        SslContext fallback = context(tls.cert(), tls.key());
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        for (TlsCertificate extra : tls.certificates()) {
            SslContext ctx = context(extra.cert(), extra.key());
            for (String name : names(extra.cert())) {
                mapping.add(name, ctx);
            }
        }
        return mapping.build();
    }

    private static SslContext context(String cert, String key) {
        try {
            return SslContextBuilder.forServer(new File(cert), new File(key))
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException("cannot use TLS certificate " + cert + " with key " + key + ": "
                    + e.getMessage(), e);
        }
    }

    /** The DNS names a certificate is for: its subject alternative names, else its CN. */
    static List<String> names(String certFile) {
        try (InputStream in = Files.newInputStream(Path.of(certFile))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            List<String> names = new ArrayList<>();
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (names.isEmpty()) {
                Matcher m = CN.matcher(cert.getSubjectX500Principal().getName());
                if (m.find()) {
                    names.add(m.group(1).trim().toLowerCase(Locale.ROOT));
                }
            }
            return names;
        } catch (CertificateParsingException e) {
            throw new TlsSetupException("cannot read the names of certificate " + certFile + ": " + e.getMessage(), e);
        } catch (IOException | CertificateException e) {
            throw new TlsSetupException("cannot read certificate " + certFile + ": " + e.getMessage(), e);
        }
    }
}
