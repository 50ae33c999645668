package io.pointsman.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContextBuilder;
import io.pointsman.proxy.config.TlsVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * What every context of one {@code tls:} section shares, worked out once: the versions
 * offered, the cipher suites (an OpenSSL cipher string expanded by BoringSSL, plus its TLS
 * 1.3 suites), the ALPN protocols.
 *
 * @param ciphers null = Netty's defaults (AEAD suites first)
 */
record TlsPolicy(List<String> protocols, List<String> ciphers, ApplicationProtocolConfig alpn) {

    /** @throws TlsSetupException when a cipher string is one BoringSSL cannot honour (validation catches it first) */
    static TlsPolicy of(TlsVersion minVersion, String ciphers, String ciphersuites, List<String> alpn) {
        List<String> protocols = minVersion == TlsVersion.TLS1_3 ? List.of("TLSv1.3") : List.of("TLSv1.2", "TLSv1.3");
        if (ciphersuites != null) {
            String problem = CipherRules.suitesProblem(ciphersuites);
            if (problem != null) {
                throw new TlsSetupException("ciphersuites: " + problem);
            }
        }
        List<String> suites = null;
        if (ciphers != null) {
            try {
                suites = new ArrayList<>(CipherRules.expand(ciphers));
            } catch (IllegalArgumentException e) {
                throw new TlsSetupException("ciphers: " + e.getMessage(), e);
            }
            suites.addAll(CipherRules.TLS13_SUITES);
        }
        ApplicationProtocolConfig protocolsOffered = alpn == null || alpn.isEmpty() ? ApplicationProtocolConfig.DISABLED
                : new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        // No protocol in common: go on without ALPN, as OpenSSL does.
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn);
        return new TlsPolicy(protocols, suites == null ? null : List.copyOf(suites), protocolsOffered);
    }

    SslContextBuilder applyTo(SslContextBuilder b) {
        return b.protocols(protocols).ciphers(ciphers).applicationProtocolConfig(alpn);
    }
}
