package io.pointsman.proxy.config;

import java.util.List;

/**
 * What an acl tests: one key of the acl's map (SPEC §3, §8), each named after the HAProxy
 * fetch it stands for. Values of one matcher are OR-ed. Compiled by the routing package.
 */
public sealed interface AclMatch permits AclMatch.Src, AclMatch.DstPort, AclMatch.Sni, AclMatch.Path,
        AclMatch.PathBeg, AclMatch.PathEnd, AclMatch.PathReg, AclMatch.Host, AclMatch.Method, AclMatch.Header,
        AclMatch.PathSub, AclMatch.PathDir, AclMatch.HostBeg, AclMatch.HostEnd, AclMatch.HostSub, AclMatch.HostReg,
        AclMatch.QueryParam, AclMatch.Cookie, AclMatch.SslFc, AclMatch.SslCUsed, AclMatch.SslCVerify,
        AclMatch.Always, AclMatch.OverLimit, AclMatch.Status {

    /** Client address in one of the networks (v4 or v6). */
    record Src(@YamlValue List<Cidr> networks) implements AclMatch {
    }

    /** The local port the client connected to. */
    record DstPort(@YamlValue List<Integer> ports) implements AclMatch {
    }

    /** TLS ClientHello server name, read without terminating TLS (tcp mode). */
    record Sni(@YamlValue List<String> names) implements AclMatch {
    }

    /** Exact path. */
    record Path(@YamlValue List<String> values) implements AclMatch {
    }

    /** Path prefix. */
    record PathBeg(@YamlValue List<String> values) implements AclMatch {
    }

    /** Path suffix. */
    record PathEnd(@YamlValue List<String> values) implements AclMatch {
    }

    /** Path regular expression, found anywhere unless anchored. */
    record PathReg(@YamlValue List<Regex> values) implements AclMatch {
    }

    /** Host without port, case-insensitive; {@code *.example.com} allowed. */
    record Host(@YamlValue List<String> values) implements AclMatch {
    }

    /** Request method; HAProxy's preset names ({@code METH_GET} = GET or HEAD, …) allowed. */
    record Method(@YamlValue List<String> values) implements AclMatch {
    }

    /** A request header ({@code hdr}, {@code hdr_beg}, …): {@code {name, values|exact|beg|end|sub|reg|dom|found}}. */
    record Header(String name, @OneOf(owner = "a header matcher", noun = "match") TextMatch match)
            implements AclMatch {
    }

    /** Path contains one of the values ({@code path_sub}). */
    record PathSub(@YamlValue List<String> values) implements AclMatch {
    }

    /** Path holds one of the values as whole '/'-delimited segments ({@code path_dir}). */
    record PathDir(@YamlValue List<String> values) implements AclMatch {
    }

    /** Host starts with one of the values ({@code hdr_beg(host) -i}, port ignored). */
    record HostBeg(@YamlValue List<String> values) implements AclMatch {
    }

    /** Host ends with one of the values ({@code hdr_end(host) -i}, port ignored). */
    record HostEnd(@YamlValue List<String> values) implements AclMatch {
    }

    /** Host contains one of the values ({@code hdr_sub(host) -i}, port ignored). */
    record HostSub(@YamlValue List<String> values) implements AclMatch {
    }

    /** One of the regexes is found in the host, case-insensitively ({@code hdr_reg(host) -i}). */
    record HostReg(@YamlValue List<Regex> values) implements AclMatch {
    }

    /** A query parameter ({@code url_param(name)}), values as sent (not decoded). */
    record QueryParam(String name, @OneOf(owner = "a query_param matcher", noun = "match") TextMatch match)
            implements AclMatch {
    }

    /** A request cookie ({@code req.cook(name)}). */
    record Cookie(String name, @OneOf(owner = "a cookie matcher", noun = "match") TextMatch match)
            implements AclMatch {
    }

    /** The client connection is TLS ({@code ssl_fc}); {@code false}: it is not. */
    record SslFc(@YamlValue Boolean value) implements AclMatch {
    }

    /** The client sent a certificate ({@code ssl_c_used}). */
    record SslCUsed(@YamlValue Boolean value) implements AclMatch {
    }

    /** The client sent a certificate and it verified ({@code ssl_c_verify 0}). */
    record SslCVerify(@YamlValue Boolean value) implements AclMatch {
    }

    /** Always holds ({@code TRUE}); {@code false}: never ({@code FALSE}). */
    record Always(@YamlValue Boolean value) implements AclMatch {
    }

    /** The client is over a limit of the frontend ({@code sc_http_req_rate(0) gt N}, {@code sc_conn_cur}). */
    record OverLimit(@YamlValue String limit) implements AclMatch {
    }

    /** Response status in one of the ranges ({@code status}); {@code http_response} rules only. */
    record Status(@YamlValue List<StatusRange> values) implements AclMatch {
    }
}
