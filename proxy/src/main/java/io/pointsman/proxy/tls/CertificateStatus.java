package io.pointsman.proxy.tls;

import java.time.Instant;
import java.util.List;

/**
 * One TLS file as {@code /status} ({@code certificates}) and {@code /metrics} show it.
 * Never holds key material.
 *
 * @param file     the file's path on the node
 * @param kind     {@code certificate} (served to clients), {@code client_ca}, {@code crl}
 * @param names    the DNS names a certificate is picked for (SNI); empty for CA and CRL files
 * @param notAfter when the (leaf, or earliest CA) certificate expires, or the CRL's next update; null when unknown
 * @param serial   the serial number of the certificate that serves from this file, upper-case hex
 *                 (as {@code openssl x509 -serial} prints it); null for CA and CRL files
 * @param error    why the file's last load failed (the previous good one still serves), or null
 */
public record CertificateStatus(String file, String kind, List<String> names, Instant notAfter, String serial,
                                String error) {
    public CertificateStatus {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /** A file that is not a served certificate (CA, CRL, a directory): no serial. */
    public CertificateStatus(String file, String kind, List<String> names, Instant notAfter, String error) {
        this(file, kind, names, notAfter, null, error);
    }

    /** The same, with {@code error} as the reason its last load failed. */
    CertificateStatus withError(String error) {
        return new CertificateStatus(file, kind, names, notAfter, serial, error);
    }
}
