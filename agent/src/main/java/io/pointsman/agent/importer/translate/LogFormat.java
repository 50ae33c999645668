package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Template;
import java.util.Map;
import java.util.Set;

/**
 * An HAProxy log-format string (the values of {@code set-header}, {@code redirect location},
 * {@code return lf-string} …) as a proxy.yaml template: {@code %[fetch]} where Pointsman has
 * the variable, HAProxy's log variables that have one ({@code %ci} is {@code %[src]}),
 * {@code %%}. Anything else (converters, other log variables, flags) is refused with the
 * reason, and the result is checked by Pointsman's own template parser.
 */
final class LogFormat {
    /** HAProxy log variables with a Pointsman variable. */
    private static final Map<String, String> LOG_VARS = Map.ofEntries(
            Map.entry("ci", "src"), Map.entry("cp", "src_port"), Map.entry("fp", "dst_port"),
            Map.entry("HM", "method"), Map.entry("HP", "path"), Map.entry("HQ", "query"), Map.entry("ID", "unique_id"),
            Map.entry("f", "fe_name"), Map.entry("ft", "fe_name"), Map.entry("b", "be_name"), Map.entry("s", "srv_name"),
            Map.entry("ST", "status"), Map.entry("sslv", "ssl_fc_protocol"), Map.entry("sslc", "ssl_fc_cipher"));
    /** Fetches spelled differently in HAProxy. */
    private static final Map<String, String> FETCHES = Map.of("req.hdr", "req.hdr", "hdr", "hdr", "req.fhdr", "req.fhdr",
            "res.hdr", "res.hdr", "res.fhdr", "res.fhdr", "req.cook", "req.cook", "cook", "req.cook", "urlp", "url_param",
            "url_param", "url_param");
    private static final Set<String> PLAIN = Set.of("src", "src_port", "dst_port", "ssl_fc", "method", "path", "query",
            "pathq", "fe_name", "be_name", "srv_name", "unique_id", "status", "ssl_fc_protocol", "ssl_fc_cipher",
            "ssl_fc_sni", "ssl_c_used", "ssl_c_verify", "ssl_c_s_dn", "ssl_c_i_dn", "ssl_c_serial", "ssl_c_der");

    private LogFormat() {}

    /**
     * @throws IllegalArgumentException with the reason when it has no proxy.yaml equivalent
     */
    static String template(String logFormat) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < logFormat.length()) {
            char c = logFormat.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= logFormat.length()) {
                throw new IllegalArgumentException("'%' at the end of '" + logFormat + "'");
            }
            char n = logFormat.charAt(i + 1);
            if (n == '%') {
                out.append("%%");
                i += 2;
            } else if (n == '[') {
                int close = logFormat.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("missing ']' in '" + logFormat + "'");
                }
                out.append("%[").append(fetch(logFormat.substring(i + 2, close))).append(']');
                i = close + 1;
            } else if (n == '{') {
                throw new IllegalArgumentException("log-format flags (%{…}) have no Pointsman equivalent");
            } else {
                int j = i + 1;
                while (j < logFormat.length() && Character.isLetter(logFormat.charAt(j))) {
                    j++;
                }
                String var = logFormat.substring(i + 1, j);
                String mapped = LOG_VARS.get(var);
                if (mapped == null) {
                    throw new IllegalArgumentException("the log variable %" + var + " has no Pointsman variable");
                }
                out.append("%[").append(mapped).append(']');
                i = j;
            }
        }
        String t = out.toString();
        Template.parse(t); // Pointsman's own rules (unknown variables, bad arguments)
        return t;
    }

    /** A literal text as a template: '%' doubled. */
    static String literal(String text) {
        return text.replace("%", "%%");
    }

    /** The replacement of replace-header/replace-path: {@code \1} groups and log-format. */
    static String replacement(String logFormat) {
        String t = template(logFormat);
        Template.parseReplacement(t);
        return t;
    }

    private static String fetch(String expr) {
        if (expr.contains(",")) {
            throw new IllegalArgumentException("converters (" + expr.substring(expr.indexOf(',') + 1) + ") have no"
                    + " Pointsman equivalent");
        }
        int paren = expr.indexOf('(');
        String name = paren < 0 ? expr : expr.substring(0, paren);
        String arg = paren < 0 ? null : expr.substring(paren);
        if (arg == null && PLAIN.contains(name)) {
            return name;
        }
        String mapped = FETCHES.get(name);
        if (mapped != null && arg != null) {
            return mapped + arg;
        }
        if (name.equals("req.hdr_cnt") || name.equals("hdr_cnt")) {
            throw new IllegalArgumentException("%[" + expr + "] has no Pointsman variable");
        }
        return expr; // left to Template.parse: a Pointsman variable of the same name, or the reason it is not one
    }
}
