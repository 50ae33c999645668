package io.pointsman.proxy.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key as read from their files, checked to belong
 * together, with the DNS names SNI picks it by. Holds the key, so it never prints it.
 */
final class ServedCertificate {
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    final Path certFile;
    /** Null when the key is in {@link #certFile}. */
    final Path keyFile;
    final List<X509Certificate> chain;
    final PrivateKey key;
    final List<String> names;

    private ServedCertificate(Path certFile, Path keyFile, List<X509Certificate> chain, PrivateKey key,
                              List<String> names) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.chain = chain;
        this.key = key;
        this.names = names;
    }

    /**
     * Reads a chain and its key ({@code keyFile} null: the key is in {@code certFile}).
     *
     * @throws TlsSetupException naming the file when either cannot be read or they do not match
     */
    static ServedCertificate load(Path certFile, Path keyFile) {
        List<X509Certificate> chain = Pem.certificates(certFile);
        PrivateKey key;
        if (keyFile != null) {
            key = Pem.privateKey(keyFile);
        } else {
            key = Pem.privateKeyOrNull(certFile);
            if (key == null) {
                throw new TlsSetupException("no private key in " + certFile + " and no 'key' file given for it");
            }
        }
        if (!Pem.matches(key, chain.get(0))) {
            throw new TlsSetupException("the private key in " + (keyFile != null ? keyFile : certFile)
                    + " does not match the certificate in " + certFile);
        }
        return new ServedCertificate(certFile, keyFile, List.copyOf(chain), key, names(chain.get(0)));
    }

    Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }

    /** The leaf's serial number, upper-case hex as {@code openssl x509 -serial} prints it. */
    String serial() {
        String hex = chain.get(0).getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex; // whole bytes, as OpenSSL prints it
    }

    /** The DNS names a certificate is for: its subject alternative names, else its CN. */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SAN: fall back to the CN
        }
        if (names.isEmpty()) {
            Matcher m = CN.matcher(cert.getSubjectX500Principal().getName());
            if (m.find()) {
                names.add(m.group(1).trim().toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return "certificate " + certFile + " " + names;
    }
}
