package io.pointsman.agent.importer.translate;

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
import java.util.regex.PatternSyntaxException;

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
    private static final Map<String, String> ALIASES = Map.of("req.hdr", "hdr", "req.fhdr", "hdr", "req_ssl_sni",
            "req.ssl_sni", "hdr_host", "hdr", "url_path", "path");
    private static final Pattern LETTERS = Pattern.compile(".*[A-Za-z].*");

    private final Path baseDir;

    /** @param baseDir where relative {@code -f} files are looked up (haproxy.cfg's directory) */
    AclTranslator(Path baseDir) {
        this.baseDir = baseDir;
    }

    Result translate(AclExpr e, boolean http) {
        String fetch = ALIASES.getOrDefault(e.fetch(), e.fetch());
        String method = e.method();
        for (String suffix : SUFFIXES) {
            String tail = "_" + suffix;
            if (fetch.endsWith(tail) && !fetch.equals("req.ssl_sni")) {
                String base = ALIASES.getOrDefault(fetch.substring(0, fetch.length() - tail.length()),
                        fetch.substring(0, fetch.length() - tail.length()));
                if (base.equals("hdr") || base.equals("path") || base.equals("url") || base.equals("ssl_fc_sni")
                        || base.equals("base") || base.equals("req_ssl_sni") || base.equals("urlp")) {
                    fetch = base.equals("req_ssl_sni") ? "req.ssl_sni" : base;
                    if (method == null) {
                        method = suffix;
                    }
                }
                break;
            }
        }
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
        if (!e.converters().isEmpty()) {
            boolean onlyLower = e.converters().size() == 1 && e.converters().get(0).equals("lower");
            if (!onlyLower || !(method == null || method.equals("str") || method.equals("beg") || method.equals("end"))) {
                return Result.fail("converters (" + String.join(",", e.converters()) + ") have no Pointsman equivalent");
            }
        }
        boolean lower = e.converters().contains("lower");
        boolean icase = e.ignoreCase() || lower;
        if ("found".equals(method)) {
            return Result.fail("-m found is not supported by Pointsman yet (SPEC §8 'found')");
        }
        if (values.isEmpty() && !"ssl_fc".equals(fetch)) {
            return Result.never();
        }
        String m = method;
        return switch (fetch) {
            case "path" -> path(m == null ? "str" : m, icase, values);
            case "url" -> url(m == null ? "str" : m, icase, values);
            case "hdr" -> header(e.args().isEmpty() ? null : e.args().get(0), m == null ? "str" : m, icase, lower, values, http);
            case "src" -> src(m, values);
            case "dst_port" -> dstPort(m, values);
            case "req.ssl_sni" -> sni(m == null ? "str" : m, values, http);
            case "method" -> method(m, values, http);
            case "ssl_fc" -> Result.fail("ssl_fc is not supported by Pointsman yet (SPEC §8 acl ssl_fc)");
            default -> Result.fail("the fetch '" + e.fetchText() + "' has no Pointsman matcher");
        };
    }

    private static Result path(String method, boolean icase, List<String> values) {
        if (method.equals("reg")) {
            List<Object> out = new ArrayList<>();
            for (String v : values) {
                String r = icase ? "(?i)" + v : v;
                try {
                    Pattern.compile(r);
                } catch (PatternSyntaxException ex) {
                    return Result.fail("regex '" + v + "' is not one Java reads the same: " + ex.getDescription());
                }
                out.add(r);
            }
            return Result.ok(new PmMatcher("path_reg", null, out, null));
        }
        if (icase && anyLetters(values)) {
            return Result.fail("-i on path matches is not supported by Pointsman yet (SPEC §8 ignore_case)");
        }
        return switch (method) {
            case "str" -> Result.ok(new PmMatcher("path", null, new ArrayList<>(values), null));
            case "beg" -> Result.ok(new PmMatcher("path_beg", null, new ArrayList<>(values), null));
            case "end" -> Result.ok(new PmMatcher("path_end", null, new ArrayList<>(values), null));
            case "sub", "dir" -> Result.fail("path " + method + " matches are not supported by Pointsman yet (SPEC §8 path_"
                    + method + ")");
            default -> Result.fail("path -m " + method + " has no Pointsman matcher");
        };
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
        if (icase && anyLetters(values)) {
            return Result.fail("-i on path matches is not supported by Pointsman yet (SPEC §8 ignore_case)");
        }
        return Result.ok(new PmMatcher("path_beg", null, new ArrayList<>(values), "url_beg becomes path_beg (the same for"
                + " requests with a path, which is every request but a proxy's absolute-form one)"));
    }

    private static Result header(String name, String method, boolean icase, boolean lower, List<String> values,
            boolean http) {
        if (!http) {
            return Result.fail("header matches need mode http");
        }
        if (name == null || name.isEmpty()) {
            return Result.fail("hdr without a header name (all headers) has no Pointsman matcher");
        }
        boolean host = name.equalsIgnoreCase("host");
        if (lower) {
            // ',lower' turns the header into lower case: a value with capitals never matches.
            values = values.stream().filter(v -> v.equals(v.toLowerCase(Locale.ROOT))).toList();
            if (values.isEmpty()) {
                return Result.never();
            }
        }
        if (host && icase) {
            switch (method) {
                case "str" -> {
                    for (String v : values) {
                        if (v.contains(":") || v.startsWith("*")) {
                            return Result.fail("hdr(host) -i '" + v + "': Pointsman's host matcher ignores the port and"
                                    + " reads '*.' as a wildcard");
                        }
                    }
                    return Result.ok(new PmMatcher("host", null, lowerAll(values), "host ignores a port in the Host"
                            + " header ('example.com:8080' matches 'example.com'); HAProxy's hdr(host) compares the whole value"));
                }
                case "end" -> {
                    List<Object> out = new ArrayList<>();
                    for (String v : values) {
                        if (!v.startsWith(".") || v.length() < 2 || v.contains(":")) {
                            return Result.fail("hdr_end(host) '" + v + "' is not a domain suffix ('.example.com');"
                                    + " not supported by Pointsman yet (SPEC §8 host_end)");
                        }
                        out.add("*" + v.toLowerCase(Locale.ROOT));
                    }
                    return Result.ok(new PmMatcher("host", null, out, "host ignores a port in the Host header;"
                            + " HAProxy's hdr_end(host) compares the whole value"));
                }
                case "dom" -> {
                    List<Object> out = new ArrayList<>();
                    for (String v : values) {
                        String d = v.toLowerCase(Locale.ROOT).replaceAll("^[./:?]+|[./:?]+$", "");
                        if (d.isEmpty() || d.contains(":") || d.contains("/")) {
                            return Result.fail("hdr_dom(host) '" + v + "' has no Pointsman host matcher");
                        }
                        out.add(d);
                        out.add("*." + d);
                    }
                    return Result.ok(new PmMatcher("host", null, out, "hdr_dom(host) becomes the name and its"
                            + " subdomains; HAProxy also matches it as a part in the middle of a longer name"
                            + " (example.com.other.net)"));
                }
                default -> {
                    return Result.fail("hdr(host) -m " + method + " is not supported by Pointsman yet (SPEC §8 host_"
                            + method + ")");
                }
            }
        }
        if (!method.equals("str")) {
            return Result.fail("header " + method + " matches are not supported by Pointsman yet (SPEC §8 header "
                    + method + ")");
        }
        if (icase && anyLetters(values)) {
            return Result.fail("-i on header values is not supported by Pointsman yet (SPEC §8 ignore_case)");
        }
        return Result.ok(new PmMatcher("header", host ? "Host" : name, new ArrayList<>(values),
                host ? null : "HAProxy splits the header at commas and matches each part; Pointsman matches each value"));
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
        return Result.ok(new PmMatcher("src", null, out, null));
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
        return Result.ok(new PmMatcher("dst_port", null, out, null));
    }

    private static Result sni(String method, List<String> values, boolean http) {
        if (http) {
            return Result.fail("req.ssl_sni reads a TLS ClientHello: Pointsman's sni works in mode tcp");
        }
        List<Object> out = new ArrayList<>();
        for (String v : values) {
            switch (method) {
                case "str" -> {
                    if (v.startsWith("*")) {
                        return Result.fail("req.ssl_sni '" + v + "': Pointsman's sni reads '*.' as a wildcard");
                    }
                    out.add(v.toLowerCase(Locale.ROOT));
                }
                case "end" -> {
                    if (!v.startsWith(".") || v.length() < 2) {
                        return Result.fail("req.ssl_sni -m end '" + v + "' is not a domain suffix ('.example.com')");
                    }
                    out.add("*" + v.toLowerCase(Locale.ROOT));
                }
                default -> {
                    return Result.fail("req.ssl_sni -m " + method + " has no Pointsman matcher");
                }
            }
        }
        return Result.ok(new PmMatcher("sni", null, out, "Pointsman compares server names without regard to case"));
    }

    private static Result method(String method, List<String> values, boolean http) {
        if (!http) {
            return Result.fail("method needs mode http");
        }
        if (method != null) {
            return Result.fail("method -m " + method + " has no Pointsman matcher");
        }
        return Result.ok(new PmMatcher("method", null, new ArrayList<>(values), null));
    }

    private static boolean anyLetters(List<String> values) {
        for (String v : values) {
            if (LETTERS.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Object> lowerAll(List<String> values) {
        List<Object> out = new ArrayList<>();
        for (String v : values) {
            out.add(v.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
