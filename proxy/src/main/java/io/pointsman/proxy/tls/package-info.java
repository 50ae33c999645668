/**
 * TLS (SPEC §9): termination on binds in http and tcp mode, its policy (versions, ciphers,
 * ALPN, tickets), client certificates, certificate files watched and reloaded, and what a
 * handshake established for acls and rule variables.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.tls.TlsContexts}: the TLS of one generation, built
 *       when a config is applied (off the event loops), one
 *       {@link io.pointsman.proxy.tls.TlsTermination} per distinct {@code tls:} settings
 *       (certificates picked by SNI, the section's policy, the client-certificate
 *       verifier). A refused apply never touches the serving generation's.</li>
 *   <li>{@link io.pointsman.proxy.tls.ClientTls}: what a client connection's pipeline gets
 *       when its bind terminates TLS (the same in tcp and http mode).</li>
 *   <li>{@link io.pointsman.proxy.tls.TlsFacts}: protocol, cipher, SNI, ALPN, client
 *       certificate of a connection, read with {@code TlsFacts.of(channel)} once the
 *       handshake is done (set by {@code TlsFactsHandler}).</li>
 *   <li>{@link io.pointsman.proxy.tls.CertificateWatcher}: polls the serving generation's
 *       files and reloads changed ones for new handshakes;
 *       {@link io.pointsman.proxy.tls.CertificateStatus} (file, names, expiry, serial, error) is what {@code /status} and
 *       {@code /metrics} show of each file.</li>
 *   <li>{@link io.pointsman.proxy.tls.Pem} reads PEM files (certificates, keys in PKCS#8,
 *       PKCS#1 or SEC1, CRLs); {@link io.pointsman.proxy.tls.CipherRules} checks HAProxy's
 *       {@code ciphers}/{@code ciphersuites} strings against BoringSSL.</li>
 * </ul>
 */
package io.pointsman.proxy.tls;
