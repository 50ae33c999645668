package io.pointsman.proxy.config;

import java.util.List;

/**
 * TLS termination on a frontend, a listen or one bind (SPEC §9). Files are PEM and live on
 * the node, never in git; they are read when a config is applied and watched afterwards.
 *
 * @param cert         the default certificate chain; its key in {@code key} or in the same file
 * @param certificates more certificates, picked by SNI from their names
 * @param certDir      every {@code NAME.pem} of a directory (key inside or in {@code NAME.key}),
 *                     picked by SNI (HAProxy {@code crt <dir>})
 * @param clientCa     CA certificates that client certificates must chain to (HAProxy {@code ca-file})
 * @param verify       whether client certificates are asked for (HAProxy {@code verify})
 * @param crl          revoked client certificates, PEM or DER (HAProxy {@code crl-file}); needs
 *                     a CRL for every CA of the chain, as HAProxy
 * @param minVersion   lowest protocol version offered (HAProxy {@code ssl-min-ver}); default TLSv1.2
 * @param ciphers      OpenSSL cipher string for TLS 1.2 (HAProxy {@code ciphers})
 * @param ciphersuites TLS 1.3 cipher suites, colon-separated (HAProxy {@code ciphersuites})
 * @param alpn         protocols offered in ALPN, in order; absent = no ALPN (HAProxy {@code alpn})
 * @param tickets      session tickets (RFC 5077); false = HAProxy {@code no-tls-tickets}
 */
public record Tls(
        String cert,
        String key,
        List<TlsCertificate> certificates,
        String certDir,
        String clientCa,
        TlsVerify verify,
        String crl,
        TlsVersion minVersion,
        String ciphers,
        String ciphersuites,
        List<String> alpn,
        Boolean tickets) {

    public Tls {
        certificates = Lists.of(certificates);
        alpn = alpn == null ? null : List.copyOf(alpn);
    }

    /** A certificate and its key, SNI-picked extras, nothing else set. */
    public Tls(String cert, String key, List<TlsCertificate> certificates) {
        this(cert, key, certificates, null, null, null, null, null, null, null, null, null);
    }

    /** Each key of this section, else of {@code base}; null when both are null. */
    public static Tls merge(Tls own, Tls base) {
        if (own == null || base == null) {
            return own != null ? own : base;
        }
        return new Tls(
                or(own.cert, base.cert),
                own.cert != null ? own.key : base.key,
                own.certificates.isEmpty() ? base.certificates : own.certificates,
                or(own.certDir, base.certDir),
                or(own.clientCa, base.clientCa),
                or(own.verify, base.verify),
                or(own.crl, base.crl),
                or(own.minVersion, base.minVersion),
                or(own.ciphers, base.ciphers),
                or(own.ciphersuites, base.ciphersuites),
                or(own.alpn, base.alpn),
                or(own.tickets, base.tickets));
    }

    /**
     * The policy keys this section leaves out, from {@code defaults}, then the built-in
     * ones: {@code verify: none}, {@code min_version: TLSv1.2} (HAProxy's default),
     * {@code tickets: true}, no ALPN.
     */
    public Tls withDefaults(TlsDefaults defaults) {
        TlsDefaults d = defaults != null ? defaults : new TlsDefaults(null, null, null, null, null);
        return new Tls(cert, key, certificates, certDir, clientCa, or(verify, TlsVerify.NONE), crl,
                or(minVersion, or(d.minVersion(), TlsVersion.TLS1_2)), or(ciphers, d.ciphers()),
                or(ciphersuites, d.ciphersuites()), or(alpn, or(d.alpn(), List.of())),
                or(tickets, or(d.tickets(), true)));
    }

    /** Every file this section names (cert_dir is a directory), for messages and watching. */
    public List<String> files() {
        List<String> out = new java.util.ArrayList<>();
        add(out, cert);
        add(out, key);
        for (TlsCertificate c : certificates) {
            add(out, c.cert());
            add(out, c.key());
        }
        add(out, certDir);
        add(out, clientCa);
        add(out, crl);
        return out;
    }

    private static void add(List<String> out, String file) {
        if (file != null) {
            out.add(file);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
