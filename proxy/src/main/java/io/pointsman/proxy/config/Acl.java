package io.pointsman.proxy.config;

import java.util.List;

/**
 * A named matcher. Exactly one matcher is set; its values are OR-ed (as in HAProxy).
 *
 * @param src     client address in one of these CIDRs (v4 or v6)
 * @param dstPort the frontend port the client connected to
 * @param sni     TLS ClientHello server name, read without terminating TLS (tcp mode)
 * @param path    exact path (http)
 * @param pathBeg path prefix (http)
 * @param pathEnd path suffix (http)
 * @param pathReg path regular expression, found anywhere unless anchored (http)
 * @param host    Host header without port, case-insensitive; {@code *.example.com} allowed (http)
 * @param method  request method (http)
 * @param header  a request header with one of the given values (http)
 */
public record Acl(
        String name,
        List<Cidr> src,
        List<Integer> dstPort,
        List<String> sni,
        List<String> path,
        List<String> pathBeg,
        List<String> pathEnd,
        List<String> pathReg,
        List<String> host,
        List<String> method,
        HeaderMatch header) {
}
