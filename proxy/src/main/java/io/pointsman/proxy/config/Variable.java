package io.pointsman.proxy.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code %[…]} variables a rule's text may hold (SPEC §8, §9): HAProxy's sample
 * fetches of the same names, without converters. A value that is not there (no such
 * header, a plaintext connection's {@code ssl_fc_cipher}) is the empty text, as in
 * HAProxy's header formats.
 */
public enum Variable {
    SRC("src", Arg.NONE, Where.ANY, "client address (after a PROXY header, the original client's)"),
    SRC_PORT("src_port", Arg.NONE, Where.ANY, "client port"),
    DST_PORT("dst_port", Arg.NONE, Where.ANY, "local port the client connected to"),
    SSL_FC("ssl_fc", Arg.NONE, Where.ANY, "1 when the client connection is TLS, else 0"),
    METHOD("method", Arg.NONE, Where.ANY, "request method"),
    PATH("path", Arg.NONE, Where.ANY, "request path, without the query"),
    QUERY("query", Arg.NONE, Where.ANY, "query string, without the '?' (empty when none)"),
    PATHQ("pathq", Arg.NONE, Where.ANY, "path and query as the server gets them"),
    HOST("host", Arg.NONE, Where.ANY, "request host, lower case, without port (what the host acls see)"),
    HDR("hdr", Arg.REQUIRED, Where.ANY, "last value of a header of the message the rule acts on (req.hdr or res.hdr)"),
    REQ_HDR("req.hdr", Arg.REQUIRED, Where.ANY, "last comma-separated value of a request header"),
    REQ_FHDR("req.fhdr", Arg.REQUIRED, Where.ANY, "last full line value of a request header"),
    REQ_COOK("req.cook", Arg.REQUIRED, Where.ANY, "value of a request cookie"),
    URL_PARAM("url_param", Arg.REQUIRED, Where.ANY, "value of a query parameter, as sent (not decoded)"),
    RES_HDR("res.hdr", Arg.REQUIRED, Where.RESPONSE, "last comma-separated value of a response header"),
    RES_FHDR("res.fhdr", Arg.REQUIRED, Where.RESPONSE, "last full line value of a response header"),
    STATUS("status", Arg.NONE, Where.RESPONSE, "response status code"),
    FE_NAME("fe_name", Arg.NONE, Where.ANY, "frontend name"),
    BE_NAME("be_name", Arg.NONE, Where.ANY, "backend name (empty before one is chosen)"),
    SRV_NAME("srv_name", Arg.NONE, Where.RESPONSE, "name of the server that answered"),
    UNIQUE_ID("unique_id", Arg.NONE, Where.ANY, "the request's unique id"),
    SSL_FC_PROTOCOL("ssl_fc_protocol", Arg.NONE, Where.ANY, "TLS version, e.g. TLSv1.3"),
    SSL_FC_CIPHER("ssl_fc_cipher", Arg.NONE, Where.ANY, "TLS cipher suite"),
    SSL_FC_SNI("ssl_fc_sni", Arg.NONE, Where.ANY, "server name the client asked for"),
    SSL_C_USED("ssl_c_used", Arg.NONE, Where.ANY, "1 when the client sent a certificate, else 0"),
    SSL_C_VERIFY("ssl_c_verify", Arg.NONE, Where.ANY, "client certificate verify result, HAProxy's number (0 = OK)"),
    SSL_C_S_DN("ssl_c_s_dn", Arg.OPTIONAL, Where.ANY,
            "client certificate subject, RFC 2253; with an argument (CN) that attribute's value"),
    SSL_C_I_DN("ssl_c_i_dn", Arg.OPTIONAL, Where.ANY,
            "client certificate issuer, RFC 2253; with an argument (CN) that attribute's value"),
    SSL_C_SERIAL("ssl_c_serial", Arg.NONE, Where.ANY, "client certificate serial, upper-case hex"),
    SSL_C_DER("ssl_c_der", Arg.NONE, Where.ANY, "client certificate, DER in base64");

    /** Whether a variable takes an argument in parentheses. */
    public enum Arg { NONE, REQUIRED, OPTIONAL }

    /** Where a variable makes sense: any rule, or {@code http_response} rules only. */
    public enum Where { ANY, RESPONSE }

    private final String key;
    private final Arg arg;
    private final Where where;
    private final String meaning;

    Variable(String key, Arg arg, Where where, String meaning) {
        this.key = key;
        this.arg = arg;
        this.where = where;
        this.meaning = meaning;
    }

    /** The name as written inside {@code %[…]}. */
    public String key() {
        return key;
    }

    public Arg arg() {
        return arg;
    }

    public Where where() {
        return where;
    }

    /** One line for docs and {@code --help}. */
    public String meaning() {
        return meaning;
    }

    /** The variable of this name, or null. */
    public static Variable of(String key) {
        for (Variable v : values()) {
            if (v.key.equals(key)) {
                return v;
            }
        }
        return null;
    }

    /** Every name, for messages. */
    public static String known() {
        return Arrays.stream(values()).map(v -> v.key + (v.arg == Arg.REQUIRED ? "(NAME)" : ""))
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return key.toLowerCase(Locale.ROOT);
    }
}
