package io.pointsman.proxy.rules;

import io.netty.util.NetUtil;
import io.pointsman.proxy.config.Template;
import io.pointsman.proxy.config.Variable;
import io.pointsman.proxy.tls.TlsFacts;

import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;

/**
 * A {@link Template} made ready to run: literal segments as they are, header names lowered,
 * and a template without variables is its text (no building per request). {@link #expand}
 * gives the text for one exchange. Immutable.
 */
final class Expander {
    private final String constant;
    private final Object[] parts;

    /** One variable reference, resolved at compile time. */
    private record Ref(Variable variable, String arg) {
    }

    /**
     * @param response the template belongs to an {@code http_response} rule: {@code %[hdr(x)]}
     *                 reads the response
     */
    Expander(Template t, boolean response) {
        if (t.constant()) {
            StringBuilder sb = new StringBuilder();
            for (Template.Segment s : t.segments()) {
                sb.append(((Template.Literal) s).text());
            }
            constant = sb.toString();
            parts = null;
            return;
        }
        constant = null;
        parts = new Object[t.segments().size()];
        for (int i = 0; i < parts.length; i++) {
            Template.Segment s = t.segments().get(i);
            if (s instanceof Template.Literal l) {
                parts[i] = l.text();
            } else if (s instanceof Template.Group g) {
                parts[i] = g.number();
            } else {
                Template.Var v = (Template.Var) s;
                Variable variable = v.variable();
                if (variable == Variable.HDR) {
                    variable = response ? Variable.RES_HDR : Variable.REQ_HDR;
                }
                String arg = v.arg();
                if (arg != null && variable != Variable.REQ_COOK && variable != Variable.URL_PARAM) {
                    arg = arg.toLowerCase(Locale.ROOT);
                }
                parts[i] = new Ref(variable, arg);
            }
        }
    }

    static Expander of(Template t, boolean response) {
        return t == null ? null : new Expander(t, response);
    }

    /** Whether the text is the same every time. */
    boolean constant() {
        return constant != null;
    }

    /** The text for this exchange; {@code groups}: the regex match a replacement follows (else null). */
    String expand(RuleContext cx, MatchResult groups) {
        if (constant != null) {
            return constant;
        }
        StringBuilder sb = new StringBuilder(64);
        for (Object p : parts) {
            if (p instanceof String s) {
                sb.append(s);
            } else if (p instanceof Integer g) {
                if (groups != null && g <= groups.groupCount()) {
                    String v = groups.group(g);
                    if (v != null) {
                        sb.append(v);
                    }
                }
            } else {
                Ref r = (Ref) p;
                String v = value(r.variable(), r.arg(), cx);
                if (v != null) {
                    sb.append(v);
                }
            }
        }
        return sb.toString();
    }

    /** A variable's value for this exchange, or null when it has none (written as nothing). */
    static String value(Variable v, String arg, RuleContext cx) {
        TlsFacts tls = cx.tls();
        switch (v) {
            case SRC:
                return cx.source() == null ? null : NetUtil.toAddressString(cx.source());
            case SRC_PORT:
                return cx.sourcePort() == 0 ? null : Integer.toString(cx.sourcePort());
            case DST_PORT:
                return Integer.toString(cx.destinationPort());
            case SSL_FC:
                return tls != null ? "1" : "0";
            case METHOD:
                return cx.method();
            case PATH:
                return cx.path();
            case QUERY:
                return cx.query();
            case PATHQ:
                return cx.uri();
            case HOST:
                return cx.host();
            case REQ_HDR:
                return lastElement(cx.header(arg));
            case REQ_FHDR:
                return last(cx.header(arg));
            case REQ_COOK:
                return last(cx.cookie(arg));
            case URL_PARAM: {
                List<String> values = cx.queryParam(arg);
                return values.isEmpty() ? null : values.get(0);
            }
            case RES_HDR:
                return lastElement(cx.responseHeader(arg));
            case RES_FHDR:
                return last(cx.responseHeader(arg));
            case STATUS:
                return cx.status() == 0 ? null : Integer.toString(cx.status());
            case FE_NAME:
                return cx.frontendName();
            case BE_NAME:
                return cx.backendName();
            case SRV_NAME:
                return cx.serverName();
            case UNIQUE_ID:
                return cx.uniqueId();
            case SSL_FC_PROTOCOL:
                return tls == null ? null : tls.protocol();
            case SSL_FC_CIPHER:
                return tls == null ? null : tls.cipher();
            case SSL_FC_SNI:
                return tls == null ? null : tls.sni();
            case SSL_C_USED:
                return tls != null && tls.clientCertificate() != null ? "1" : "0";
            case SSL_C_VERIFY:
                return tls == null ? null : Integer.toString(tls.clientVerify());
            case SSL_C_S_DN:
                return tls == null || tls.clientCertificate() == null ? null
                        : Certificates.dn(tls.clientCertificate().getSubjectX500Principal(), arg);
            case SSL_C_I_DN:
                return tls == null || tls.clientCertificate() == null ? null
                        : Certificates.dn(tls.clientCertificate().getIssuerX500Principal(), arg);
            case SSL_C_SERIAL:
                return tls == null || tls.clientCertificate() == null ? null
                        : Certificates.serial(tls.clientCertificate().getSerialNumber());
            case SSL_C_DER:
                return tls == null || tls.clientCertificate() == null ? null : Certificates.der(tls.clientCertificate());
            case HDR:
            default:
                throw new IllegalStateException("unresolved variable " + v);
        }
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** HAProxy's {@code hdr()}: the last comma-separated value of the last line. */
    private static String lastElement(List<String> values) {
        String line = last(values);
        if (line == null) {
            return null;
        }
        int comma = line.lastIndexOf(',');
        return comma < 0 ? line : line.substring(comma + 1).trim();
    }

    /** Client certificate fields as HAProxy writes them. */
    static final class Certificates {
        private Certificates() {}

        /** RFC 2253; with {@code attribute} (e.g. CN) the value of the first such attribute, or null. */
        static String dn(javax.security.auth.x500.X500Principal p, String attribute) {
            String rfc2253 = p.getName(javax.security.auth.x500.X500Principal.RFC2253);
            if (attribute == null) {
                return rfc2253;
            }
            try {
                javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(rfc2253);
                // LdapName lists RDNs from the last to the first: HAProxy counts from the first.
                for (int i = name.size() - 1; i >= 0; i--) {
                    for (javax.naming.directory.Attribute a : java.util.Collections.list(
                            name.getRdn(i).toAttributes().getAll())) {
                        if (a.getID().equalsIgnoreCase(attribute)) {
                            return String.valueOf(a.get());
                        }
                    }
                }
            } catch (javax.naming.NamingException e) {
                return null;
            }
            return null;
        }

        /** Upper-case hex of the serial's magnitude (no sign byte), as {@code %[ssl_c_serial,hex]}. */
        static String serial(BigInteger serial) {
            byte[] b = serial.toByteArray();
            int from = b.length > 1 && b[0] == 0 ? 1 : 0;
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < b.length; i++) {
                sb.append(String.format("%02X", b[i] & 0xff));
            }
            return sb.toString();
        }

        static String der(X509Certificate c) {
            try {
                return Base64.getEncoder().encodeToString(c.getEncoded());
            } catch (CertificateEncodingException e) {
                return null;
            }
        }
    }
}
