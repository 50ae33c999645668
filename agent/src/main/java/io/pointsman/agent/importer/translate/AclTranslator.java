package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Regex;
import io.pointsman.agent.importer.haproxy.AclExpr;
import io.pointsman.proxy.config.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One HAProxy ACL expression as a proxy.yaml matcher, when one means the same: fetches
 * ({@code hdr(host)}, {@code path}, {@code url}, {@code src}, {@code dst_port},
 * {@code req.ssl_sni}, {@code method} …) with their match method (the ACL keyword's suffix
 * such as {@code _beg}, or {@code -m}), {@code -i}, {@code -f} pattern files and the values.
 * Anything that would match differently is refused with the reason.
 */
final class AclTranslator {
    /** Outcome: a matcher, a constant (an acl with no pattern never matches), or why not. */
    record Result(PmMatcher matcher, Boolean constant, String failure) {
        static Result ok(PmMatcher m) {
            return new Result(m, null, null);
        }

        static Result never() {
            return new Result(null, false, null);
        }

        static Result fail(String why) {
            return new Result(null, null, why);
        }
    }

    private static final List<String> SUFFIXES = List.of("beg", "end", "sub", "dir", "dom", "reg", "len", "cnt", "val",
            "ip", "found");
    /** Fetches that have derived acl keywords ({@code hdr_beg}, {@code path_end}, {@code cook_sub} …). */
    private static final List<String> DERIVING = List.of("hdr", "path", "url", "ssl_fc_sni", "base", "req_ssl_sni",
            "urlp", "url_param", "cook", "req.cook");
    private static final Map<String, String> ALIASES = Map.of("req.hdr", "hdr", "req.fhdr", "hdr", "req_ssl_sni",
            "req.ssl_sni", "url_path", "path", "urlp", "url_param", "req.cook", "cook", "cookie", "cook");
    private static final Pattern LETTERS = Pattern.compile(".*[A-Za-z].*");
    private static final List<String> TEXT_METHODS = List.of("str", "beg", "end", "sub", "dom", "reg", "found");

    private final Path baseDir;
    /** Every bind of the frontend terminates TLS: {@code ssl_fc_sni} is then the ClientHello's name. */
    private final boolean tlsEverywhere;

    /** @param baseDir where relative {@code -f} files are looked up (haproxy.cfg's directory) */
    AclTranslator(Path baseDir) {
        this(baseDir, false);
    }

    AclTranslator(Path baseDir, boolean tlsEverywhere) {
        this.baseDir = baseDir;
        this.tlsEverywhere = tlsEverywhere;
    }

    Result translate(AclExpr e, boolean http) {
        String fetch = e.fetch();
        String method = e.method();
        for (String suffix : SUFFIXES) {
            String tail = "_" + suffix;
            if (fetch.endsWith(tail) && !fetch.equals("req.ssl_sni")) {
                String base = fetch.substring(0, fetch.length() - tail.length());
                if (DERIVING.contains(base)) {
                    fetch = base;
                    if (method == null) {
                        method = suffix;
                    }
                }
                break;
            }
        }
        fetch = ALIASES.getOrDefault(fetch, fetch);
        List<String> values = new ArrayList<>(e.values());
        for (String f : e.files()) {
            Path p = baseDir == null ? Path.of(f) : baseDir.resolve(f);
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    String v = line.strip();
                    if (!v.isEmpty() && !v.startsWith("#")) {
                        values.add(v);
                    }
                }
            } catch (IOException | RuntimeException ex) {
                return Result.fail("pattern file '" + f + "' cannot be read here (" + ex.getClass().getSimpleName()
                        + "); put it beside haproxy.cfg or use an absolute path");
            }
        }
        boolean lower = false;
        if (!e.converters().isEmpty()) {
            lower = e.converters().size() == 1 && e.converters().get(0).equals("lower");
            if (!lower) {
                return Result.fail("converters (" + String.join(",", e.converters()) + ") have no Pointsman equivalent");
            }
            // ',lower' turns the text into lower case: a pattern with capitals never matches it.
            values = values.stream().filter(v -> v.equals(v.toLowerCase(Locale.ROOT))).toList();
        }
        boolean icase = e.ignoreCase() || lower;
        if (values.isEmpty() && !"found".equals(method) && !"ssl_fc".equals(fetch) && !"ssl_c_used".equals(fetch)
                && !"bool".equals(method)) {
            return Result.never();
        }
        String m = method;
        return switch (fetch) {
            case "path" -> http ? path(m == null ? "str" : m, icase, values) : Result.fail(e.fetchText()
                    + " needs mode http (in mode tcp HAProxy reads no request, so the acl never matches)");
            case "url" -> http ? url(m == null ? "str" : m, icase, values) : Result.fail(e.fetchText()
                    + " needs mode http (in mode tcp HAProxy reads no request, so the acl never matches)");
            case "hdr" -> named("header", e.args().isEmpty() ? null : e.args().get(0), m, icase, values, http);
            case "cook" -> named("cookie", e.args().isEmpty() ? null : e.args().get(0), m, icase, values, http);
            case "url_param" -> named("query_param", e.args().isEmpty() ? null : e.args().get(0), m, icase, values, http);
            case "src" -> src(m, values);
            case "dst_port" -> dstPort(m, values);
            case "req.ssl_sni" -> sni("req.ssl_sni", m == null ? "str" : m, values, http);
            case "method" -> method(m, icase, values, http);
            case "ssl_fc" -> sslFc(m, values, http);
            case "ssl_c_used" -> flag("ssl_c_used", values);
            case "ssl_c_verify" -> sslCVerify(m, values);
            case "ssl_fc_sni" -> fcSni(m == null ? "str" : m, values, http);
            default -> Result.fail("the fetch '" + e.fetchText() + "' has no Pointsman matcher");
        };
    }

    private static Result path(String method, boolean icase, List<String> values) {
        boolean ic = icase && anyLetters(values);
        return switch (method) {
            case "str" -> Result.ok(PmMatcher.of("path", values, ic, null));
            case "beg" -> Result.ok(PmMatcher.of("path_beg", values, ic, null));
            case "end" -> Result.ok(PmMatcher.of("path_end", values, ic, null));
            case "sub" -> Result.ok(PmMatcher.of("path_sub", values, ic, null));
            case "dir" -> Result.ok(PmMatcher.of("path_dir", values, ic, null));
            case "reg" -> regexes(values).failure() != null ? regexes(values)
                    : Result.ok(PmMatcher.of("path_reg", values, icase, null));
            default -> Result.fail("path -m " + method + " has no Pointsman matcher");
        };
    }

    private static Result regexes(List<String> values) {
        for (String v : values) {
            try {
                Regex.parse(v);
            } catch (IllegalArgumentException ex) {
                return Result.fail(ex.getMessage() + " (Java reads regexes; this one it cannot)");
            }
        }
        return Result.ok(null);
    }

    private static Result url(String method, boolean icase, List<String> values) {
        if (!method.equals("beg")) {
            return Result.fail("url " + method + " matches compare the query string too; Pointsman matches paths");
        }
        for (String v : values) {
            if (!v.startsWith("/") || v.contains("?")) {
                return Result.fail("url_beg '" + v + "' is not a path prefix; Pointsman matches paths");
            }
        }
        return Result.ok(PmMatcher.of("path_beg", values, icase && anyLetters(values), "url_beg becomes path_beg (the"
                + " same for requests with a path, which is every request but a proxy's absolute-form one)"));
    }

    /** {@code hdr(NAME)}, {@code cook(NAME)}, {@code url_param(NAME)} with their match method. */
    private static Result named(String key, String name, String method, boolean icase, List<String> values, boolean http) {
        String what = key.equals("header") ? "hdr" : key.equals("cookie") ? "cook" : "url_param";
        if (!http) {
            return Result.fail(what + " needs mode http");
        }
        if (name == null || name.isEmpty()) {
            return Result.fail(what + " without a name (all of them) has no Pointsman matcher");
        }
        String m = method == null ? "str" : method;
        if (!TEXT_METHODS.contains(m)) {
            return Result.fail(what + "(" + name + ") -m " + m + " has no Pointsman matcher");
        }
        if (m.equals("reg") && regexes(values).failure() != null) {
            return regexes(values);
        }
        String text = m.equals("str") ? "exact" : m;
        boolean ic = icase && (m.equals("reg") || anyLetters(values));
        return Result.ok(PmMatcher.named(key, name, text, text.equals("found") ? List.of(true) : values, ic, null));
    }

    private static Result sslFc(String method, List<String> values, boolean http) {
        if (!values.isEmpty() && !(values.size() == 1 && (values.get(0).equals("1") || values.get(0).equals("true")))) {
            return Result.fail("ssl_fc with patterns " + values + " has no Pointsman matcher");
        }
        return Result.ok(PmMatcher.of("ssl_fc", List.of(true), false, null));
    }

    /** A boolean fetch as an acl: true when it holds ({@code acl x ssl_c_used}). */
    private static Result flag(String key, List<String> values) {
        if (!values.isEmpty() && !(values.size() == 1 && (values.get(0).equals("1") || values.get(0).equals("true")))) {
            return Result.fail(key + " with patterns " + values + " has no Pointsman matcher");
        }
        return Result.ok(PmMatcher.of(key, List.of(true), false, null));
    }

    /**
     * {@code ssl_c_verify 0}: HAProxy's verify result, 0 on every TLS connection whose client
     * certificate (if any) verified. Pointsman, like HAProxy without ca-ignore-err/crt-ignore-err
     * (which the import leaves out), ends the handshake on any other result: every TLS
     * connection it serves has 0, so the acl is ssl_fc.
     */
    private static Result sslCVerify(String method, List<String> values) {
        if (method != null && !method.equals("int")) {
            return Result.fail("ssl_c_verify -m " + method + " has no Pointsman matcher");
        }
        if (!values.equals(List.of("0"))) {
            return Result.fail("ssl_c_verify " + String.join(" ", values) + ": Pointsman ends the handshake on a"
                    + " certificate error, so only 0 (verified) can be seen");
        }
        return Result.ok(PmMatcher.of("ssl_fc", List.of(true), false, "ssl_c_verify 0 holds on every TLS connection"
                + " Pointsman serves (it ends the handshake on a client certificate error): written as ssl_fc"));
    }

    /** {@code ssl_fc_sni}: in mode tcp on a frontend that terminates TLS on every bind, the ClientHello's name. */
    private Result fcSni(String method, List<String> values, boolean http) {
        if (http) {
            return Result.fail("ssl_fc_sni in mode http has no Pointsman matcher (sni works in mode tcp; host matches"
                    + " the Host header)");
        }
        if (!tlsEverywhere) {
            return Result.fail("ssl_fc_sni on a frontend with binds that do not terminate TLS (Pointsman's sni also"
                    + " reads the name of TLS it passes through)");
        }
        return sni("ssl_fc_sni", method, values, false);
    }

    private static Result src(String method, List<String> values) {
        if (method != null && !method.equals("ip")) {
            return Result.fail("src -m " + method + " has no Pointsman matcher");
        }
        List<Object> out = new ArrayList<>();
        for (String v : values) {
            String c = cidr(v);
            if (c == null) {
                return Result.fail("src '" + v + "' is not an IP address or network (names are resolved by HAProxy"
                        + " when it starts; write the addresses)");
            }
            out.add(c);
        }
        return Result.ok(PmMatcher.of("src", out, false, null));
    }
    /** {@code 10.0.0.0/8}, {@code 10.0.0.0/255.0.0.0}, {@code 2001:db8::/32}, or a single address. */
    static String cidr(String v) {
        String addr = v;
        String prefix = null;
        int slash = v.indexOf('/');
        if (slash >= 0) {
            addr = v.substring(0, slash);
            prefix = v.substring(slash + 1);
        }
        byte[] a = Cidr.literal(addr);
        if (a == null) {
            return null;
        }
        if (prefix == null) {
            return addr;
        }
        if (prefix.contains(".")) {
            byte[] mask = Cidr.literal(prefix);
            if (mask == null || mask.length != 4) {
                return null;
            }
            int bits = 0;
            boolean ended = false;
            for (byte b : mask) {
                for (int i = 7; i >= 0; i--) {
                    boolean set = (b >> i & 1) == 1;
                    if (set && ended) {
                        return null;
                    }
                    if (set) {
                        bits++;
                    } else {
                        ended = true;
                    }
                }
            }
            prefix = Integer.toString(bits);
        }
        try {
            Cidr.parse(addr + "/" + prefix);
            return addr + "/" + prefix;
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static Result dstPort(String method, List<String> values) {
        if (method != null && !method.equals("int")) {
            return Result.fail("dst_port -m " + method + " has no Pointsman matcher");
        }
        List<Object> out = new ArrayList<>();
        String op = "eq";
        for (String v : values) {
            if (v.equals("eq") || v.equals("ge") || v.equals("gt") || v.equals("le") || v.equals("lt")) {
                op = v;
                continue;
            }
            int lo;
            int hi;
            if (v.matches("\\d{1,5}")) {
                int n = Integer.parseInt(v);
                switch (op) {
                    case "ge" -> { lo = n; hi = 65535; }
                    case "gt" -> { lo = n + 1; hi = 65535; }
                    case "le" -> { lo = 1; hi = n; }
                    case "lt" -> { lo = 1; hi = n - 1; }
                    default -> { lo = n; hi = n; }
                }
            } else if (v.matches("\\d{0,5}:\\d{0,5}") && !v.equals(":")) {
                String[] p = v.split(":", -1);
                lo = p[0].isEmpty() ? 1 : Integer.parseInt(p[0]);
                hi = p[1].isEmpty() ? 65535 : Integer.parseInt(p[1]);
            } else {
                return Result.fail("dst_port '" + v + "' is not a port or a range");
            }
            lo = Math.max(lo, 1);
            hi = Math.min(hi, 65535);
            if (hi - lo > 255) {
                return Result.fail("dst_port range " + lo + "-" + hi + " is too wide to list (Pointsman matches listed ports)");
            }
            for (int p = lo; p <= hi; p++) {
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        if (out.isEmpty()) {
            return Result.never();
        }
        return Result.ok(PmMatcher.of("dst_port", out, false, null));
    }

    private static Result sni(String fetch, String method, List<String> values, boolean http) {
        if (http) {
            return Result.fail(fetch + " reads a TLS ClientHello: Pointsman's sni works in mode tcp");
        }
        List<Object> out = new ArrayList<>();
        for (String v : values) {
            switch (method) {
                case "str" -> {
                    if (v.startsWith("*")) {
                        return Result.fail(fetch + " '" + v + "': Pointsman's sni reads '*.' as a wildcard");
                    }
                    out.add(v.toLowerCase(Locale.ROOT));
                }
                case "end" -> {
                    if (!v.startsWith(".") || v.length() < 2) {
                        return Result.fail(fetch + " -m end '" + v + "' is not a domain suffix ('.example.com')");
                    }
                    out.add("*" + v.toLowerCase(Locale.ROOT));
                }
                default -> {
                    return Result.fail(fetch + " -m " + method + " has no Pointsman matcher");
                }
            }
        }
        return Result.ok(PmMatcher.of("sni", out, false, "Pointsman compares server names without regard to case"));
    }

    private static Result method(String method, boolean icase, List<String> values, boolean http) {
        if (!http) {
            return Result.fail("method needs mode http");
        }
        if (method != null) {
            return Result.fail("method -m " + method + " has no Pointsman matcher");
        }
        return Result.ok(PmMatcher.of("method", values, icase, null));
    }

    private static boolean anyLetters(List<String> values) {
        for (String v : values) {
            if (LETTERS.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }


}
