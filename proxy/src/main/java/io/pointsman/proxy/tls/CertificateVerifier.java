package io.pointsman.proxy.tls;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the peer's certificate as HAProxy's {@code ca-file} / {@code crl-file} do, for
 * client certificates (a bind's {@code client_ca}) and for servers (a backend's {@code ca}):
 * the chain the peer sent must lead to a certificate of the CA file (every one of which is
 * trusted), be valid now, allow client (or server) authentication, and, with a CRL file, no
 * certificate of the chain may be revoked, and every CA of the chain needs a CRL (OpenSSL's
 * {@code CRL_CHECK_ALL}, which HAProxy sets). A server's certificate must also carry the
 * name the connection was made for (its SNI), when it was made for a name.
 *
 * <p>A failure is an {@link OpenSslCertificateException} carrying OpenSSL's
 * {@code X509_V_ERR_*} code (HAProxy's {@code ssl_c_verify} numbers), so BoringSSL ends
 * the handshake with the matching alert.
 */
final class CertificateVerifier extends X509ExtendedTrustManager {
    /** OpenSSL's X509_V_ERR_* codes (x509_vfy.h), as {@code %[ssl_c_verify]} shows them. */
    static final int UNSPECIFIED = 1;
    static final int UNABLE_TO_GET_CRL = 3;
    static final int CERT_SIGNATURE_FAILURE = 7;
    static final int CERT_NOT_YET_VALID = 9;
    static final int CERT_HAS_EXPIRED = 10;
    static final int UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
    static final int CERT_REVOKED = 23;
    static final int INVALID_CA = 24;
    static final int PATH_LENGTH_EXCEEDED = 25;
    static final int INVALID_PURPOSE = 26;
    static final int HOSTNAME_MISMATCH = 62;

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EKU = "2.5.29.37.0";

    private final Set<TrustAnchor> anchors;
    private final X509Certificate[] issuers;
    private final List<X509CRL> crls;
    /** Verifies servers (the peers this side connects to), not clients. */
    private final boolean servers;

    private CertificateVerifier(List<X509Certificate> cas, List<X509CRL> crls, boolean servers) {
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : cas) {
            a.add(new TrustAnchor(c, null));
        }
        this.anchors = Set.copyOf(a);
        this.issuers = cas.toArray(new X509Certificate[0]);
        this.crls = crls == null ? null : List.copyOf(crls);
        this.servers = servers;
    }

    /** Client certificates. @param cas the CA file's certificates; @param crls the CRL file's CRLs, null = none */
    static CertificateVerifier forClients(List<X509Certificate> cas, List<X509CRL> crls) {
        return new CertificateVerifier(cas, crls, false);
    }

    /** Servers' certificates, and their names. */
    static CertificateVerifier forServers(List<X509Certificate> cas, List<X509CRL> crls) {
        return new CertificateVerifier(cas, crls, true);
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new OpenSslCertificateException("the peer sent no certificate", UNSPECIFIED);
        }
        purpose(chain[0], servers ? SERVER_AUTH : CLIENT_AUTH);
        // The path ends below the anchor: drop what the client sent of the CA file itself.
        List<X509Certificate> path = new ArrayList<>(List.of(chain));
        while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters params = new PKIXParameters(anchors);
            if (crls == null) {
                params.setRevocationEnabled(false);
            } else {
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
                // CRLs from the file only: no OCSP, no fetching of distribution points.
                revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK));
                params.addCertPathChecker(revocation);
                params.setRevocationEnabled(false); // the checker above does it, and only it
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            validator.validate(certPath, params);
        } catch (CertPathValidatorException e) {
            throw new OpenSslCertificateException(describe(e), code(e));
        } catch (InvalidAlgorithmParameterException e) {
            throw new OpenSslCertificateException("cannot verify: " + e.getMessage(), UNSPECIFIED);
        } catch (GeneralSecurityException e) {
            throw new OpenSslCertificateException("cannot verify: " + e.getMessage(), UNSPECIFIED);
        }
    }

    private boolean isAnchor(X509Certificate c) {
        for (X509Certificate a : issuers) {
            if (a.equals(c)) {
                return true;
            }
        }
        return false;
    }

    /** OpenSSL's "sslclient"/"sslserver" purpose: a leaf that limits its key's use must allow this use. */
    private static void purpose(X509Certificate leaf, String use) throws CertificateException {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(use) && !eku.contains(ANY_EKU)) {
                throw new OpenSslCertificateException("the certificate is not for "
                        + (use.equals(CLIENT_AUTH) ? "client" : "server") + " authentication", INVALID_PURPOSE);
            }
        } catch (CertificateParsingException e) {
            throw new OpenSslCertificateException("bad extended key usage: " + e.getMessage(), INVALID_PURPOSE);
        }
    }

    static int code(CertPathValidatorException e) {
        CertPathValidatorException.Reason r = e.getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED) {
            return CERT_HAS_EXPIRED;
        }
        if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return CERT_NOT_YET_VALID;
        }
        if (r == CertPathValidatorException.BasicReason.REVOKED) {
            return CERT_REVOKED;
        }
        if (r == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return UNABLE_TO_GET_CRL;
        }
        if (r == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return CERT_SIGNATURE_FAILURE;
        }
        if (r == PKIXReason.NO_TRUST_ANCHOR) {
            return UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
        }
        if (r == PKIXReason.NOT_CA_CERT) {
            return INVALID_CA;
        }
        if (r == PKIXReason.PATH_TOO_LONG) {
            return PATH_LENGTH_EXCEEDED;
        }
        if (r == PKIXReason.INVALID_KEY_USAGE) {
            return INVALID_PURPOSE;
        }
        return UNSPECIFIED;
    }

    private String describe(CertPathValidatorException e) {
        return (servers ? "server" : "client") + " certificate refused (" + e.getReason() + "): " + e.getMessage();
    }

    /**
     * The name a server connection was made for must be one of the certificate's DNS names
     * (a wildcard covers one label, leftmost), or its CN when it has none, as OpenSSL's
     * {@code X509_check_host}. No name (a server given by IP address, no {@code sni}): not
     * checked, as HAProxy without {@code sni}/{@code verifyhost}.
     */
    static void checkName(X509Certificate leaf, String name) throws CertificateException {
        if (name == null || name.isEmpty() || io.netty.util.NetUtil.isValidIpV4Address(name)
                || io.netty.util.NetUtil.isValidIpV6Address(name)) {
            return;
        }
        String want = name.toLowerCase(java.util.Locale.ROOT);
        for (String have : ServedCertificate.names(leaf)) {
            if (have.equals(want) || (have.startsWith("*.") && want.indexOf('.') > 0
                    && want.substring(want.indexOf('.')).equals(have.substring(1)))) {
                return;
            }
        }
        throw new OpenSslCertificateException("the server's certificate is not for " + name + " (it is for "
                + ServedCertificate.names(leaf) + ")", HOSTNAME_MISMATCH);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (servers) {
            throw new CertificateException("verifies servers only");
        }
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    /** A server's certificate, for the name the connection was made for ({@code engine.getPeerHost()}). */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (!servers) {
            throw new CertificateException("verifies clients only");
        }
        verify(chain);
        checkName(chain[0], engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    /** The CA names sent with the certificate request, so clients pick a certificate these accept. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return issuers.clone();
    }
}
