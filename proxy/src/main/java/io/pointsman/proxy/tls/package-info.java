/**
 * TLS: what a handshake established ({@link io.pointsman.proxy.tls.TlsFacts}), read by
 * acls and rule variables. Termination, policy, client certificates, TLS to servers and
 * certificate reloading (SPEC §9) grow here.
 */
package io.pointsman.proxy.tls;
