package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.ForwardFor;
import io.pointsman.proxy.config.HttpActions;
import io.pointsman.proxy.config.Limit;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.RedirectTarget;
import io.pointsman.proxy.config.RequestAction;
import io.pointsman.proxy.config.RequestRule;
import io.pointsman.proxy.config.ResponseAction;
import io.pointsman.proxy.config.ResponseRule;
import io.pointsman.proxy.config.Regex;
import io.pointsman.proxy.config.Replacement;
import io.pointsman.proxy.config.TcpRule;
import io.pointsman.proxy.config.Template;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.config.Userlist;
import io.pointsman.proxy.config.Variable;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The semantic rules of SPEC §8 for one section (a frontend, listen or backend): its
 * acls, limits, {@code http_request} / {@code http_response} / {@code tcp_request}
 * rules, error files and {@code forwardfor}; and the config's userlists. Part of
 * {@link ConfigValidator}, which owns the paths and how errors are reported.
 */
final class RuleValidator {
    /** How errors reach the validator's list. */
    interface Report {
        void error(String path, String message);

        /** Where a path was written, for "first at" messages. */
        String at(String path);
    }

    private static final Pattern ACL_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Framing and hop-by-hop headers: a rule touching them could make a request the proxy itself would refuse. */
    static final Set<String> UNTOUCHABLE = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "te", "trailer", "upgrade", "proxy-connection");
    /** The statuses HAProxy 2.6 has pages (and errorfiles) for; {@code deny} takes one of them. */
    static final Set<Integer> PAGE_STATUSES = Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429,
            500, 501, 502, 503, 504);
    private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern SHA_CRYPT = Pattern.compile(
            "\\$[56]\\$(rounds=\\d{1,9}\\$)?[^$:\\n]{0,16}\\$[./A-Za-z0-9]{43}([./A-Za-z0-9]{43})?");

    /** Where a condition is read: before routing, in request rules, or in response rules. */
    enum Stage { TCP, REQUEST, RESPONSE }

    private final Report report;
    private final String label;
    private final Mode mode;
    private final boolean frontendSide;
    private final Set<String> userlists;
    private final Map<String, String> limitNames = new LinkedHashMap<>();
    private final Map<String, AclMatch> acls = new LinkedHashMap<>();
    private final Map<String, String> aclPaths = new LinkedHashMap<>();

    /**
     * @param label        how messages name the section: {@code frontend 'web'}
     * @param frontendSide a frontend or listen (limits and {@code tcp_request} belong there)
     * @param userlists    the names of the config's userlists
     */
    RuleValidator(Report report, String label, Mode mode, boolean frontendSide, Set<String> userlists) {
        this.report = report;
        this.label = label;
        this.mode = mode;
        this.frontendSide = frontendSide;
        this.userlists = userlists;
    }

    /** The acl names declared so far, for conditions. */
    Set<String> aclNames() {
        return acls.keySet();
    }

    // ---- userlists

    static Set<String> userlists(ProxyConfig raw, Report report) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < raw.userlists().size(); i++) {
            Userlist u = raw.userlists().get(i);
            String p = "userlists[" + i + "]";
            if (u.name() == null || u.name().isBlank()) {
                report.error(p + ".name", "required: every userlist needs a name");
            } else {
                String first = names.putIfAbsent(u.name(), p + ".name");
                if (first != null) {
                    report.error(p + ".name", "duplicate userlist name '" + u.name() + "' (first at " + report.at(first) + ")");
                }
            }
            if (u.users().isEmpty()) {
                report.error(p + ".users", "a userlist needs at least one user");
            }
            Map<String, String> users = new HashMap<>();
            for (int j = 0; j < u.users().size(); j++) {
                Userlist.User user = u.users().get(j);
                String up = p + ".users[" + j + "]";
                if (user.name() == null || user.name().isEmpty()) {
                    report.error(up + ".name", "required: every user needs a name");
                } else if (user.name().indexOf(':') >= 0 || !printable(user.name())) {
                    report.error(up + ".name", "a user name may not hold ':' or control characters (basic auth splits at ':')");
                } else {
                    String first = users.putIfAbsent(user.name(), up + ".name");
                    if (first != null) {
                        report.error(up + ".name", "duplicate user '" + user.name() + "' (first at " + report.at(first) + ")");
                    }
                }
                if (user.credential() instanceof Userlist.Password pw) {
                    if (pw.hash() == null || !(BCRYPT.matcher(pw.hash()).matches() || SHA_CRYPT.matcher(pw.hash()).matches())) {
                        report.error(up + ".password", "not a supported crypt(3) hash (bcrypt $2a$/$2b$/$2y$, sha-512 $6$,"
                                + " sha-256 $5$); for a plain password use insecure_password");
                    }
                } else if (user.credential() instanceof Userlist.InsecurePassword pw
                        && (pw.password() == null || pw.password().isEmpty())) {
                    report.error(up + ".insecure_password", "must not be empty");
                }
            }
        }
        return Set.copyOf(names.keySet());
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    // ---- limits

    void limits(List<Limit> limits, String p) {
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            String lp = p + "[" + i + "]";
            if (l.name() == null || l.name().isBlank()) {
                report.error(lp + ".name", "required: every limit needs a name");
            } else if (!ACL_NAME.matcher(l.name()).matches()) {
                report.error(lp + ".name", "bad limit name '" + l.name() + "' (use letters, digits, '_', '.', ':' and '-')");
            } else {
                String first = limitNames.putIfAbsent(l.name(), lp + ".name");
                if (first != null) {
                    report.error(lp + ".name", "duplicate limit name '" + l.name() + "' (first at " + report.at(first) + ")");
                }
            }
            if (l.key() == null) {
                report.error(lp + ".key", "required: what a client is (src)");
            }
            if ((l.requests() == null) == (l.concurrent() == null)) {
                report.error(lp, l.requests() == null ? "a limit needs 'requests' (with 'per') or 'concurrent'"
                        : "a limit takes 'requests' (with 'per') or 'concurrent', not both");
            } else if (l.requests() != null) {
                if (l.requests() < 1) {
                    report.error(lp + ".requests", "requests must be at least 1, got " + l.requests());
                }
                if (l.per() == null) {
                    report.error(lp + ".per", "required with 'requests': the period, e.g. 10s");
                }
            } else {
                if (l.concurrent() < 1) {
                    report.error(lp + ".concurrent", "concurrent must be at least 1, got " + l.concurrent());
                }
                if (l.per() != null) {
                    report.error(lp + ".per", "'per' goes with 'requests', not with 'concurrent'");
                }
            }
            Duration per = l.per();
            if (per != null && (per.isZero() || per.isNegative())) {
                report.error(lp + ".per", "per must be longer than 0");
            }
            if (l.size() != null && (l.size() < 1 || l.size() > 10_000_000)) {
                report.error(lp + ".size", "size " + l.size() + " out of range 1-10000000");
            }
        }
    }

    // ---- acls

    void acl(Acl a, String p) {
        if (a.name() == null || a.name().isBlank()) {
            report.error(p + ".name", "required: every acl needs a name");
        } else if (!ACL_NAME.matcher(a.name()).matches()) {
            report.error(p + ".name", "bad acl name '" + a.name() + "' (use letters, digits, '_', '.', ':' and '-')");
        } else {
            String first = aclPaths.putIfAbsent(a.name(), p + ".name");
            if (first != null) {
                report.error(p + ".name", "duplicate acl name '" + a.name() + "' (first at " + report.at(first) + ")");
            } else {
                acls.put(a.name(), a.match());
            }
        }
        AclMatch m = a.match();
        if (m == null) {
            return; // the binder said why
        }
        String key = RecordBinder.variantKey(m.getClass());
        String mp = p + "." + key;
        if (httpOnly(m) && mode == Mode.TCP) {
            report.error(mp, "'" + key + "' works only in mode http (" + label + " is mode tcp)");
        }
        if (m instanceof AclMatch.Sni && mode == Mode.HTTP) {
            report.error(mp, "'sni' works only in mode tcp (" + label + " is mode http; use 'host')");
        }
        if (a.ignoresCase() && !text(m)) {
            report.error(p + ".ignore_case", "ignore_case applies to text matchers; '" + key + "' is not one");
        }
        List<?> values = values(m);
        if (values != null && values.isEmpty()) {
            report.error(mp, "'" + key + "' needs at least one value");
        }
        if (m instanceof AclMatch.DstPort d) {
            for (int i = 0; i < d.ports().size(); i++) {
                int port = d.ports().get(i);
                if (port < 1 || port > 65535) {
                    report.error(mp + "[" + i + "]", "port " + port + " out of range 1-65535");
                }
            }
        }
        if (m instanceof AclMatch.Method meth) {
            for (int i = 0; i < meth.values().size(); i++) {
                String v = meth.values().get(i);
                if (!TOKEN.matcher(v).matches()) {
                    report.error(mp + "[" + i + "]", "'" + v + "' is not a method name");
                }
            }
        }
        if (m instanceof AclMatch.Header h) {
            named(h.name(), h.match(), mp, true);
        } else if (m instanceof AclMatch.Cookie c) {
            named(c.name(), c.match(), mp, false);
        } else if (m instanceof AclMatch.QueryParam q) {
            named(q.name(), q.match(), mp, false);
        } else if (m instanceof AclMatch.OverLimit o) {
            if (!frontendSide) {
                report.error(mp, "'over_limit' works in frontends and listens, where limits are (" + label + ")");
            } else if (o.limit() != null && !limitNames.containsKey(o.limit())) {
                report.error(mp, "no limit named '" + o.limit() + "' in " + label + suggest(o.limit(), limitNames.keySet()));
            }
        }
    }

    private void named(String name, TextMatch match, String mp, boolean token) {
        if (name == null || name.isEmpty()) {
            report.error(mp + ".name", "required: the name to look up");
        } else if (token && !TOKEN.matcher(name).matches()) {
            report.error(mp + ".name", "'" + name + "' is not a header name (a token: letters, digits, !#$%&'*+.^_`|~-)");
        }
        List<?> values = match == null ? null : textValues(match);
        if (values != null && values.isEmpty()) {
            report.error(mp + "." + RecordBinder.variantKey(match.getClass()), "needs at least one value");
        }
    }

    private static boolean httpOnly(AclMatch m) {
        return !(m instanceof AclMatch.Src || m instanceof AclMatch.DstPort || m instanceof AclMatch.Sni
                || m instanceof AclMatch.SslFc || m instanceof AclMatch.SslCUsed || m instanceof AclMatch.SslCVerify
                || m instanceof AclMatch.Always || m instanceof AclMatch.OverLimit);
    }

    private static boolean text(AclMatch m) {
        return m instanceof AclMatch.Path || m instanceof AclMatch.PathBeg || m instanceof AclMatch.PathEnd
                || m instanceof AclMatch.PathReg || m instanceof AclMatch.PathSub || m instanceof AclMatch.PathDir
                || m instanceof AclMatch.Host || m instanceof AclMatch.HostBeg || m instanceof AclMatch.HostEnd
                || m instanceof AclMatch.HostSub || m instanceof AclMatch.HostReg || m instanceof AclMatch.Method
                || m instanceof AclMatch.Header || m instanceof AclMatch.Cookie || m instanceof AclMatch.QueryParam
                || m instanceof AclMatch.Sni;
    }

    /** The value list of a list matcher (null for others). */
    private static List<?> values(AclMatch m) {
        if (m instanceof AclMatch.Src x) {
            return x.networks();
        } else if (m instanceof AclMatch.DstPort x) {
            return x.ports();
        } else if (m instanceof AclMatch.Sni x) {
            return x.names();
        } else if (m instanceof AclMatch.Path x) {
            return x.values();
        } else if (m instanceof AclMatch.PathBeg x) {
            return x.values();
        } else if (m instanceof AclMatch.PathEnd x) {
            return x.values();
        } else if (m instanceof AclMatch.PathReg x) {
            return x.values();
        } else if (m instanceof AclMatch.PathSub x) {
            return x.values();
        } else if (m instanceof AclMatch.PathDir x) {
            return x.values();
        } else if (m instanceof AclMatch.Host x) {
            return x.values();
        } else if (m instanceof AclMatch.HostBeg x) {
            return x.values();
        } else if (m instanceof AclMatch.HostEnd x) {
            return x.values();
        } else if (m instanceof AclMatch.HostSub x) {
            return x.values();
        } else if (m instanceof AclMatch.HostReg x) {
            return x.values();
        } else if (m instanceof AclMatch.Method x) {
            return x.values();
        } else if (m instanceof AclMatch.Status x) {
            return x.values();
        }
        return null;
    }

    private static List<?> textValues(TextMatch m) {
        if (m instanceof TextMatch.Values x) {
            return x.values();
        } else if (m instanceof TextMatch.Exact x) {
            return x.values();
        } else if (m instanceof TextMatch.Beg x) {
            return x.values();
        } else if (m instanceof TextMatch.End x) {
            return x.values();
        } else if (m instanceof TextMatch.Sub x) {
            return x.values();
        } else if (m instanceof TextMatch.Dom x) {
            return x.values();
        } else if (m instanceof TextMatch.Reg x) {
            return x.values();
        }
        return null;
    }

    // ---- conditions

    /** Every acl a condition names must exist, and make sense at that stage. */
    void condition(Condition c, String path, Stage stage) {
        if (c == null) {
            return;
        }
        for (String name : c.aclNames()) {
            if (!aclPaths.containsKey(name)) {
                report.error(path, "no acl named '" + name + "' in " + label + suggest(name, aclPaths.keySet()));
                continue;
            }
            AclMatch m = acls.get(name);
            if (m instanceof AclMatch.Status && stage != Stage.RESPONSE) {
                report.error(path, "acl '" + name + "' tests the response status, which exists only in http_response rules");
            }
        }
    }

    private void ifUnless(Condition ifC, Condition unlessC, String p, Stage stage) {
        if (ifC != null && unlessC != null) {
            report.error(p + ".unless", "set 'if' or 'unless', not both");
        }
        condition(ifC, p + ".if", stage);
        condition(unlessC, p + ".unless", stage);
    }

    // ---- rules

    void requestRules(List<RequestRule> rules, String p) {
        if (!rules.isEmpty() && mode == Mode.TCP) {
            report.error(p, "'http_request' works only in mode http (" + label + " is mode tcp; use tcp_request)");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            RequestRule r = rules.get(i);
            String rp = p + "[" + i + "]";
            ifUnless(r.ifCondition(), r.unlessCondition(), rp, Stage.REQUEST);
            if (r.action() != null) {
                requestAction(r.action(), rp + "." + RecordBinder.variantKey(r.action().getClass()));
            }
        }
    }

    void responseRules(List<ResponseRule> rules, String p) {
        if (!rules.isEmpty() && mode == Mode.TCP) {
            report.error(p, "'http_response' works only in mode http (" + label + " is mode tcp)");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            ResponseRule r = rules.get(i);
            String rp = p + "[" + i + "]";
            ifUnless(r.ifCondition(), r.unlessCondition(), rp, Stage.RESPONSE);
            if (r.action() != null) {
                responseAction(r.action(), rp + "." + RecordBinder.variantKey(r.action().getClass()));
            }
        }
    }

    void tcpRules(List<TcpRule> rules, String p) {
        if (!rules.isEmpty() && mode == Mode.HTTP) {
            report.error(p, "'tcp_request' works only in mode tcp (" + label + " is mode http; use http_request)");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            TcpRule r = rules.get(i);
            String rp = p + "[" + i + "]";
            ifUnless(r.ifCondition(), r.unlessCondition(), rp, Stage.TCP);
            if (r.action() instanceof TcpRule.Reject rej && !rej.value()) {
                report.error(rp + ".reject", "'reject: false' does nothing; leave the rule out");
            }
        }
    }

    private void requestAction(RequestAction a, String p) {
        if (a instanceof HttpActions.Redirect r) {
            if (r.code() != null && !REDIRECT_CODES.contains(r.code())) {
                report.error(p + ".code", "redirect code " + r.code() + " is not a redirect (301, 302, 303, 307 or 308)");
            }
            if (r.to() instanceof RedirectTarget.Location l) {
                template(l.value(), p + ".location", Stage.REQUEST);
                if (Boolean.TRUE.equals(r.dropQuery())) {
                    report.error(p + ".drop_query", "drop_query applies to scheme and prefix redirects (a location is used as written)");
                }
            } else if (r.to() instanceof RedirectTarget.Scheme s) {
                template(s.value(), p + ".scheme", Stage.REQUEST);
                if (s.value() != null && s.value().constant() && !s.value().text().matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                    report.error(p + ".scheme", "'" + s.value().text() + "' is not a URI scheme (such as https)");
                }
            } else if (r.to() instanceof RedirectTarget.Prefix x) {
                template(x.value(), p + ".prefix", Stage.REQUEST);
            }
        } else if (a instanceof HttpActions.Deny d) {
            denyStatus(d.status(), p);
        } else if (a instanceof HttpActions.Return r) {
            if (r.status() != null && (r.status() < 200 || r.status() > 599)) {
                report.error(p + ".status", "status " + r.status() + " out of range 200-599");
            }
            if (r.body() != null && !r.body().text().isEmpty() && r.contentType() == null) {
                report.error(p + ".content_type", "required with a body, e.g. text/plain");
            }
            if (r.contentType() != null && !headerValue(r.contentType())) {
                report.error(p + ".content_type", "control characters in content_type");
            }
            template(r.body(), p + ".body", Stage.REQUEST);
        } else if (a instanceof HttpActions.Auth au) {
            if (au.userlist() == null) {
                report.error(p + ".userlist", "required: the userlist whose users may pass");
            } else if (!userlists.contains(au.userlist())) {
                report.error(p + ".userlist", "no userlist named '" + au.userlist() + "'" + suggest(au.userlist(), userlists));
            }
            if (au.realm() != null && (au.realm().indexOf('"') >= 0 || au.realm().indexOf('\\') >= 0
                    || !headerValue(au.realm()))) {
                report.error(p + ".realm", "a realm may not hold '\"', '\\' or control characters");
            }
        } else if (a instanceof HttpActions.SetPath s) {
            template(s.value(), p + ".value", Stage.REQUEST);
            if (s.value() != null && s.value().constant() && !io.pointsman.proxy.config.TargetSyntax.isPath(s.value().text())) {
                report.error(p + ".value", "'" + s.value().text() + "' is not a path (it starts with '/', and has no"
                        + " '?', '#', spaces or control characters)");
            }
        } else if (a instanceof HttpActions.ReplacePath r) {
            replacement(r.regex(), r.with(), p, Stage.REQUEST);
        } else if (a instanceof HttpActions.SetQuery s) {
            template(s.value(), p + ".value", Stage.REQUEST);
            if (s.value() != null && s.value().constant() && !io.pointsman.proxy.config.TargetSyntax.isQuery(s.value().text())) {
                report.error(p + ".value", "'" + s.value().text() + "' is not a query (no '#', spaces or control characters)");
            }
        } else if (a instanceof HttpActions.DelQueryParam d) {
            if (d.name() == null || d.name().isEmpty()) {
                report.error(p + ".name", "required: the parameter to remove");
            }
        } else {
            header(a, p, Stage.REQUEST);
        }
    }

    private void responseAction(ResponseAction a, String p) {
        if (a instanceof HttpActions.Deny d) {
            denyStatus(d.status(), p);
        } else {
            header(a, p, Stage.RESPONSE);
        }
    }

    private void denyStatus(Integer status, String p) {
        if (status != null && !PAGE_STATUSES.contains(status)) {
            report.error(p + ".status", "deny status " + status + " has no error page (one of "
                    + new java.util.TreeSet<>(PAGE_STATUSES) + ")");
        }
    }

    /** set/add/del/replace_header, on requests or responses. */
    private void header(Object a, String p, Stage stage) {
        String name = null;
        if (a instanceof HttpActions.SetHeader s) {
            name = s.name();
            required(s.value(), p + ".value");
            template(s.value(), p + ".value", stage);
        } else if (a instanceof HttpActions.AddHeader s) {
            name = s.name();
            required(s.value(), p + ".value");
            template(s.value(), p + ".value", stage);
        } else if (a instanceof HttpActions.DelHeader d) {
            name = d.name();
        } else if (a instanceof HttpActions.ReplaceHeader r) {
            name = r.name();
            replacement(r.regex(), r.with(), p, stage);
        }
        headerName(name, p + ".name");
    }

    private void headerName(String name, String p) {
        if (name == null) {
            report.error(p, "required: the header name");
        } else if (!TOKEN.matcher(name).matches()) {
            report.error(p, "'" + name + "' is not a header name (a token: letters, digits, !#$%&'*+.^_`|~-)");
        } else if (UNTOUCHABLE.contains(name.toLowerCase(Locale.ROOT))) {
            report.error(p, "rules may not touch '" + name + "': it frames the message or belongs to the connection"
                    + " (Content-Length, Transfer-Encoding, Connection, Keep-Alive, TE, Trailer, Upgrade, Proxy-Connection)");
        }
    }

    private void required(Object value, String p) {
        if (value == null) {
            report.error(p, "required");
        }
    }

    private void replacement(Regex regex, Replacement with, String p, Stage stage) {
        if (regex == null) {
            report.error(p + ".regex", "required: what to look for");
        }
        if (with == null) {
            report.error(p + ".with", "required: what replaces a matching value ('\\1' is the first group)");
            return;
        }
        template(with.template(), p + ".with", stage);
        if (regex != null && with.template().highestGroup() > regex.groups()) {
            report.error(p + ".with", "'\\" + with.template().highestGroup() + "' but the regex has "
                    + regex.groups() + " group" + (regex.groups() == 1 ? "" : "s"));
        }
    }

    /** Variables that make sense where the template is evaluated; header names that are names. */
    private void template(Template t, String p, Stage stage) {
        if (t == null) {
            return;
        }
        for (Template.Var v : t.variables()) {
            if (v.variable().where() == Variable.Where.RESPONSE && stage != Stage.RESPONSE) {
                report.error(p, "%[" + v.variable().key() + "] works only in http_response rules");
            }
            if ((v.variable() == Variable.REQ_HDR || v.variable() == Variable.REQ_FHDR || v.variable() == Variable.HDR
                    || v.variable() == Variable.RES_HDR || v.variable() == Variable.RES_FHDR)
                    && !TOKEN.matcher(v.arg()).matches()) {
                report.error(p, "%[" + v.variable().key() + "(" + v.arg() + ")]: '" + v.arg() + "' is not a header name");
            }
        }
        if (t.constant() && !headerValue(t.text().replace("%%", "%"))) {
            report.error(p, "control characters (CR, LF, NUL, ...) in '" + printableText(t.text()) + "'");
        }
    }

    /** No CR, LF, NUL or other control character but HTAB. */
    static boolean headerValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static String printableText(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }

    // ---- error files and forwardfor

    void errorfiles(Map<Integer, String> files, String p) {
        for (Map.Entry<Integer, String> e : files.entrySet()) {
            String fp = p + "." + e.getKey();
            if (!PAGE_STATUSES.contains(e.getKey())) {
                report.error(fp, "no error page for status " + e.getKey() + " (one of " + new java.util.TreeSet<>(PAGE_STATUSES) + ")");
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                report.error(fp, "required: the file holding the whole HTTP response");
            } else if (!e.getValue().startsWith("/")) {
                report.error(fp, "use an absolute path (files are read on the node), got '" + e.getValue() + "'");
            }
        }
    }

    void forwardfor(ForwardFor f, String p) {
        if (f == null) {
            return;
        }
        if (mode == Mode.TCP) {
            report.error(p, "'forwardfor' works only in mode http (" + label + " is mode tcp; see send_proxy)");
        }
        if (f.header() != null) {
            headerName(f.header(), p + ".header");
            if (f.header().equalsIgnoreCase("host") || f.header().equalsIgnoreCase("x-forwarded-proto")) {
                report.error(p + ".header", "'" + f.header() + "' is not a header for the client address");
            }
        }
    }

    private static String suggest(String name, java.util.Collection<String> candidates) {
        String hint = RecordBinder.hint(name, candidates);
        return hint.startsWith(" (did you mean") ? hint : "";
    }
}
