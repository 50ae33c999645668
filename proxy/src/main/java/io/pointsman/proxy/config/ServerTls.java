package io.pointsman.proxy.config;

import java.util.List;

/**
 * TLS from Pointsman to a backend's servers (HAProxy {@code server … ssl}), and
 * {@code global.server_tls_defaults} (HAProxy {@code ssl-default-server-*}, which supplies
 * values only: TLS to servers is on where a backend has {@code tls:}).
 *
 * @param verify       {@code required} (the default, as HAProxy's {@code ssl-server-verify}):
 *                     the server's certificate must chain to {@code ca} and carry the name
 *                     in {@code sni}; {@code none}: anything is accepted
 * @param ca           CA file server certificates must chain to; {@code @system-ca} = the
 *                     JDK's trusted CAs (HAProxy {@code ca-file @system-ca})
 * @param crl          revoked server certificates, PEM or DER (HAProxy {@code crl-file})
 * @param sni          the name sent in SNI and checked against the certificate; default: the
 *                     server's host name (an IP address sends none and checks the chain only,
 *                     as HAProxy does without {@code sni}/{@code verifyhost})
 * @param cert         client certificate for servers that ask for one (mTLS); its key in
 *                     {@code key} or in the same file
 * @param alpn         protocols offered in ALPN; absent = none
 * @param minVersion   lowest version offered (default TLSv1.2)
 * @param ciphers      OpenSSL cipher string for TLS 1.2
 * @param ciphersuites TLS 1.3 suites
 */
public record ServerTls(
        TlsVerify verify,
        String ca,
        String crl,
        String sni,
        String cert,
        String key,
        List<String> alpn,
        TlsVersion minVersion,
        String ciphers,
        String ciphersuites) {

    /** HAProxy's {@code ca-file @system-ca}: the CAs the JDK trusts. */
    public static final String SYSTEM_CA = "@system-ca";

    public ServerTls {
        alpn = alpn == null ? null : List.copyOf(alpn);
    }

    /** The keys this section leaves out, from {@code defaults}, then the built-in ones (verify required, TLSv1.2, no ALPN). */
    public ServerTls withDefaults(ServerTls defaults) {
        ServerTls d = defaults != null ? defaults
                : new ServerTls(null, null, null, null, null, null, null, null, null, null);
        return new ServerTls(
                or(verify, or(d.verify, TlsVerify.REQUIRED)),
                or(ca, d.ca),
                or(crl, d.crl),
                sni,
                or(cert, d.cert),
                cert != null ? key : or(key, d.key),
                or(alpn, or(d.alpn, List.of())),
                or(minVersion, or(d.minVersion, TlsVersion.TLS1_2)),
                or(ciphers, d.ciphers),
                or(ciphersuites, d.ciphersuites));
    }

    /** The files it names (not {@code @system-ca}), for messages and watching. */
    public List<String> files() {
        List<String> out = new java.util.ArrayList<>();
        for (String f : new String[] {ca, crl, cert, key}) {
            if (f != null && !f.equals(SYSTEM_CA)) {
                out.add(f);
            }
        }
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
