package io.pointsman.proxy.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.security.cert.X509Certificate;

/**
 * What a client connection's TLS handshake established, for acls ({@code ssl_fc},
 * {@code ssl_c_used}, {@code ssl_c_verify}) and {@code %[ssl_*]} variables (SPEC §8, §9).
 * Made once per connection when its handshake completes; a plaintext connection has none.
 *
 * <p>Where to find it: {@link #of(Channel)} on the client channel. {@link TlsFactsHandler}
 * sets it when the handshake succeeds, before any decrypted byte reaches the handlers
 * behind it (so an http request or a tcp route always sees it), and it never changes
 * afterwards.
 *
 * @param protocol          negotiated version, e.g. {@code TLSv1.3} ({@code %[ssl_fc_protocol]})
 * @param cipher            negotiated cipher suite, OpenSSL name ({@code %[ssl_fc_cipher]}),
 *                          e.g. {@code ECDHE-ECDSA-AES128-GCM-SHA256} or {@code TLS_AES_128_GCM_SHA256}
 * @param sni               server name the client asked for, lower case; null when none ({@code %[ssl_fc_sni]})
 * @param alpn              negotiated application protocol; null when none
 * @param clientCertificate the client's leaf certificate; null when it sent none ({@code ssl_c_used})
 * @param clientVerify      HAProxy's {@code %[ssl_c_verify]}: 0 when the client certificate verified
 *                          (or none was sent), else OpenSSL's X509_V_ERR code. As in HAProxy
 *                          without {@code ca-ignore-err}/{@code crt-ignore-err}, a certificate that
 *                          fails verification ends the handshake, so a connection that has facts
 *                          always has 0 here
 */
public record TlsFacts(
        String protocol,
        String cipher,
        String sni,
        String alpn,
        X509Certificate clientCertificate,
        int clientVerify) {

    /** The client channel's attribute that holds its facts; unset on a plaintext connection. */
    public static final AttributeKey<TlsFacts> KEY = AttributeKey.valueOf("pointsman.tls");

    /** The facts of a client connection; null when it is plaintext or its handshake has not completed. */
    public static TlsFacts of(Channel client) {
        return client.attr(KEY).get();
    }

    /** A client certificate was presented and verified ({@code ssl_c_verify} acl). */
    public boolean clientVerified() {
        return clientCertificate != null && clientVerify == 0;
    }
}
