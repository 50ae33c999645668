package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.HttpActions;
import io.pointsman.proxy.config.RedirectTarget;
import io.pointsman.proxy.config.RequestAction;
import io.pointsman.proxy.config.RequestRule;
import io.pointsman.proxy.config.ResponseAction;
import io.pointsman.proxy.config.ResponseRule;
import io.pointsman.proxy.config.TargetSyntax;
import io.pointsman.proxy.http.wire.HeaderEdits;
import io.pointsman.proxy.http.wire.RequestEdits;
import io.pointsman.proxy.routing.AclCondition;
import io.pointsman.proxy.routing.AclSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code http_request} or {@code http_response} rules of one frontend, listen or
 * backend, compiled once per generation into immutable steps: conditions over the
 * section's compiled acls, regexes compiled, {@code %[…]} texts split into parts, header
 * names lowered. {@link #evaluate} runs them in order for one exchange.
 *
 * <p>What the steps do, as HAProxy's actions of the same names:
 * <ul>
 *   <li>{@code redirect}: a 301/302/303/307/308 with {@code Location}: {@code scheme://host}
 *       and the target ({@code scheme}), the prefix and the target ({@code prefix}; a
 *       prefix of exactly "/" adds nothing), or the location as written; {@code drop_query}
 *       leaves the query out; the target of {@code *} is "/".</li>
 *   <li>{@code deny}: the error page of the status (default 403 for requests, 502 for
 *       responses), from the error files when there is one.</li>
 *   <li>{@code return}: the status (default 200), {@code Content-Type} and body.</li>
 *   <li>{@code auth}: the request goes on when its Basic credentials are a user of the
 *       userlist, else a 401 page with {@code WWW-Authenticate: Basic realm="…"} (the
 *       realm defaults to the section's name, as HAProxy's); a hash not yet checked makes
 *       the verdict pending.</li>
 *   <li>{@code set_header} (value computed before the old ones go, so it may read them),
 *       {@code add_header}, {@code del_header}, {@code replace_header} (each value in
 *       which the regex is found becomes the replacement, groups {@code \1}…),
 *       {@code set_path}, {@code replace_path} (the same on the path), {@code set_query},
 *       {@code del_query_param}.</li>
 * </ul>
 * A rule whose result would not be a valid request (a header value with CR, LF, NUL or
 * another control character, a path that is not one, a Host that is not one or a second
 * Host) is not applied: the request gets 400, never a split or smuggled header. The
 * same on a response gets 500 (HAProxy's answer to a failed rewrite in its default
 * strict mode).
 */
public final class Rules {
    /** No rules. */
    public static final Rules NONE = new Rules(new Step[0], false);

    private final Step[] steps;
    private final boolean response;

    private Rules(Step[] steps, boolean response) {
        this.steps = steps;
        this.response = response;
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    /**
     * Compiles {@code http_request} rules.
     *
     * @param owner     the section's name: the default realm, and how messages name it
     * @param acls      the section's compiled acls (a frontend's from its router)
     * @param userlists the config's userlists, for {@code auth}
     */
    public static Rules request(String owner, List<RequestRule> rules, AclSet acls, Userlists userlists) {
        if (rules.isEmpty()) {
            return NONE;
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            RequestRule r = rules.get(i);
            AclCondition when = acls.condition(r.ifCondition(), r.unlessCondition(), "http_request[" + i + "]");
            steps.add(step(owner, r.action(), when, userlists));
        }
        return new Rules(steps.toArray(new Step[0]), false);
    }

    /** Compiles {@code http_response} rules. */
    public static Rules response(String owner, List<ResponseRule> rules, AclSet acls) {
        if (rules.isEmpty()) {
            return NONE;
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            ResponseRule r = rules.get(i);
            AclCondition when = acls.condition(r.ifCondition(), r.unlessCondition(), "http_response[" + i + "]");
            steps.add(step(r.action(), when));
        }
        return new Rules(steps.toArray(new Step[0]), true);
    }

    /**
     * Runs the rules for one exchange, in order, on its event loop. Request rules read and
     * edit the request ({@link RuleContext#requestEdits()}); response rules the response
     * ({@link RuleContext#responseEdits()}), after {@link RuleContext#beginResponse}.
     */
    public Verdict evaluate(RuleContext cx) {
        return run(cx, 0);
    }

    private Verdict run(RuleContext cx, int from) {
        Step[] steps = this.steps;
        for (int i = from; i < steps.length; i++) {
            Step s = steps[i];
            if (!s.when.holds(cx)) {
                continue;
            }
            Verdict v = s.apply(cx);
            if (v == null) {
                continue;
            }
            if (v == AGAIN) {
                return pending(cx, i);
            }
            return v;
        }
        if (!response && cx.wasHostEdited()) {
            return checkHost(cx);
        }
        return Verdict.CONTINUE;
    }

    /** Marker from an auth step: its check is running; wait for it, then run that step again. */
    private static final Verdict AGAIN = Verdict.pending(null, null);

    private Verdict pending(RuleContext cx, int at) {
        AuthStep auth = (AuthStep) steps[at];
        return Verdict.pending(auth.waiting(cx), () -> {
            Verdict v = auth.apply(cx);
            if (v == AGAIN) {
                return pending(cx, at);
            }
            return v != null ? v : run(cx, at + 1);
        });
    }

    /** After rules touched Host: exactly one valid Host (at most one on HTTP/1.0), else 400. */
    private static Verdict checkHost(RuleContext cx) {
        List<String> hosts = cx.header("host");
        boolean ok = hosts.size() == 1 ? HeaderEdits.isValidHost(hosts.get(0))
                : hosts.isEmpty() && cx.head().minorVersion() == 0;
        return ok ? Verdict.CONTINUE : Verdict.answer(cx.page(400));
    }

    // ---- steps

    /** One compiled rule: its condition and what it does; {@code apply} returns null to go on. */
    private abstract static class Step {
        final AclCondition when;

        Step(AclCondition when) {
            this.when = when;
        }

        abstract Verdict apply(RuleContext cx);
    }

    private static Step step(String owner, RequestAction a, AclCondition when, Userlists userlists) {
        if (a instanceof HttpActions.Redirect r) {
            return new RedirectStep(when, r);
        }
        if (a instanceof HttpActions.Deny d) {
            return new DenyStep(when, d.status() == null ? 403 : d.status());
        }
        if (a instanceof HttpActions.Return r) {
            return new ReturnStep(when, r);
        }
        if (a instanceof HttpActions.Auth au) {
            return new AuthStep(when, au.userlist(), au.realm() == null ? owner : au.realm(), userlists);
        }
        if (a instanceof HttpActions.SetPath sp) {
            Expander value = Expander.of(sp.value(), false);
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    return setPath(cx, value.expand(cx, null));
                }
            };
        }
        if (a instanceof HttpActions.ReplacePath rp) {
            Pattern regex = rp.regex().pattern();
            Expander with = Expander.of(rp.with().template(), false);
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    Matcher m = regex.matcher(cx.path());
                    return m.find() ? setPath(cx, with.expand(cx, m)) : null;
                }
            };
        }
        if (a instanceof HttpActions.SetQuery sq) {
            Expander value = Expander.of(sq.value(), false);
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    String q = value.expand(cx, null);
                    if (!TargetSyntax.isQuery(q)) {
                        return Verdict.answer(cx.page(400));
                    }
                    // HAProxy: no '?' added for an empty value; an existing '?' stays.
                    if (!q.isEmpty() || cx.query() != null) {
                        cx.editRequest().setQuery(q);
                    }
                    return null;
                }
            };
        }
        if (a instanceof HttpActions.DelQueryParam dq) {
            String name = dq.name();
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    String q = cx.query();
                    if (q == null) {
                        return null;
                    }
                    String kept = withoutParam(q, name);
                    if (!kept.equals(q)) {
                        cx.editRequest().setQuery(kept.isEmpty() ? null : kept);
                    }
                    return null;
                }
            };
        }
        return headerStep(a, when, false);
    }

    private static Step step(ResponseAction a, AclCondition when) {
        if (a instanceof HttpActions.Deny d) {
            return new DenyStep(when, d.status() == null ? 502 : d.status());
        }
        return headerStep(a, when, true);
    }

    /** set/add/del/replace_header on the request or on the response. */
    private static Step headerStep(Object a, AclCondition when, boolean response) {
        if (a instanceof HttpActions.SetHeader sh) {
            String name = sh.name();
            boolean host = !response && name.equalsIgnoreCase("host");
            Expander value = Expander.of(sh.value(), response);
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    String v = value.expand(cx, null); // before the old values go: it may read them
                    if (!HeaderEdits.isValidValue(v)) {
                        return refuse(cx, response);
                    }
                    headers(cx, response).set(name, v);
                    if (host) {
                        cx.hostEdited();
                    }
                    return null;
                }
            };
        }
        if (a instanceof HttpActions.AddHeader ah) {
            String name = ah.name();
            boolean host = !response && name.equalsIgnoreCase("host");
            Expander value = Expander.of(ah.value(), response);
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    String v = value.expand(cx, null);
                    if (!HeaderEdits.isValidValue(v)) {
                        return refuse(cx, response);
                    }
                    headers(cx, response).add(name, v);
                    if (host) {
                        cx.hostEdited();
                    }
                    return null;
                }
            };
        }
        if (a instanceof HttpActions.DelHeader dh) {
            String lower = dh.name().toLowerCase(Locale.ROOT);
            boolean host = !response && lower.equals("host");
            return new Step(when) {
                @Override
                Verdict apply(RuleContext cx) {
                    List<String> present = response ? cx.responseHeader(lower) : cx.header(lower);
                    if (!present.isEmpty()) {
                        headers(cx, response).delete(lower);
                        if (host) {
                            cx.hostEdited();
                        }
                    }
                    return null;
                }
            };
        }
        HttpActions.ReplaceHeader rh = (HttpActions.ReplaceHeader) a;
        String lower = rh.name().toLowerCase(Locale.ROOT);
        boolean host = !response && lower.equals("host");
        Pattern regex = rh.regex().pattern();
        Expander with = Expander.of(rh.with().template(), response);
        return new Step(when) {
            @Override
            Verdict apply(RuleContext cx) {
                List<String> present = response ? cx.responseHeader(lower) : cx.header(lower);
                boolean any = false;
                for (String v : present) {
                    if (regex.matcher(v).find()) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return null;
                }
                boolean[] bad = new boolean[1];
                headers(cx, response).replace(lower, value -> {
                    Matcher m = regex.matcher(value);
                    if (!m.find()) {
                        return null;
                    }
                    String next = with.expand(cx, m);
                    if (!HeaderEdits.isValidValue(next)) {
                        bad[0] = true;
                        return null;
                    }
                    return next;
                });
                if (host) {
                    cx.hostEdited();
                }
                return bad[0] ? refuse(cx, response) : null;
            }
        };
    }

    private static HeaderEdits headers(RuleContext cx, boolean response) {
        return response ? cx.editResponse() : cx.editRequest().headers();
    }

    /** A rule produced what may not be sent: 400 for a request, 500 for a response (HAProxy's strict mode). */
    private static Verdict refuse(RuleContext cx, boolean response) {
        return Verdict.answer(cx.page(response ? 500 : 400));
    }

    private static Verdict setPath(RuleContext cx, String path) {
        if (!TargetSyntax.isPath(path)) {
            return Verdict.answer(cx.page(400));
        }
        RequestEdits e = cx.editRequest();
        e.setPath(path);
        return null;
    }

    /** The query without every {@code name} and {@code name=…} parameter. */
    static String withoutParam(String query, String name) {
        StringBuilder out = new StringBuilder(query.length());
        int i = 0;
        while (i <= query.length()) {
            int amp = query.indexOf('&', i);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', i);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            boolean drop = nameEnd - i == name.length() && query.regionMatches(i, name, 0, name.length());
            if (!drop && end > i) {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(query, i, end);
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return out.toString();
    }

    private static final class RedirectStep extends Step {
        private final int code;
        private final String reason;
        private final boolean dropQuery;
        private final Expander scheme;
        private final Expander prefix;
        private final Expander location;

        RedirectStep(AclCondition when, HttpActions.Redirect r) {
            super(when);
            this.code = r.code() == null ? 302 : r.code();
            this.reason = ErrorPages.reason(code);
            this.dropQuery = Boolean.TRUE.equals(r.dropQuery());
            this.scheme = r.to() instanceof RedirectTarget.Scheme s ? Expander.of(s.value(), false) : null;
            this.prefix = r.to() instanceof RedirectTarget.Prefix p ? Expander.of(p.value(), false) : null;
            this.location = r.to() instanceof RedirectTarget.Location l ? Expander.of(l.value(), false) : null;
        }

        @Override
        Verdict apply(RuleContext cx) {
            String where;
            if (location != null) {
                where = location.expand(cx, null);
            } else {
                String target = cx.uri();
                if (target.equals("*")) {
                    target = "/";
                }
                if (dropQuery) {
                    int q = target.indexOf('?');
                    target = q < 0 ? target : target.substring(0, q);
                }
                if (scheme != null) {
                    String host = cx.rawHost();
                    where = scheme.expand(cx, null) + "://" + (host == null ? "" : host) + target;
                } else {
                    String p = prefix.expand(cx, null);
                    where = p.equals("/") ? target : p + target;
                }
            }
            if (!HeaderEdits.isValidValue(where)) {
                return Verdict.answer(cx.page(400));
            }
            return Verdict.answer(new Answer(code, reason, List.<String[]>of(new String[] {"Location", where}), new byte[0]));
        }
    }

    private static final class DenyStep extends Step {
        private final int status;

        DenyStep(AclCondition when, int status) {
            super(when);
            this.status = status;
        }

        @Override
        Verdict apply(RuleContext cx) {
            return Verdict.deny(cx.page(status));
        }
    }

    private static final class ReturnStep extends Step {
        private final int status;
        private final String reason;
        private final String contentType;
        private final Expander body;
        /** The answer when the body is constant. */
        private final Answer fixed;

        ReturnStep(AclCondition when, HttpActions.Return r) {
            super(when);
            this.status = r.status() == null ? 200 : r.status();
            this.reason = ErrorPages.reason(status);
            this.contentType = r.contentType();
            this.body = Expander.of(r.body(), false);
            this.fixed = body == null || body.constant() ? answer(body == null ? "" : body.expand(null, null)) : null;
        }

        private Answer answer(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<String[]> headers = contentType != null && bytes.length > 0
                    ? List.<String[]>of(new String[] {"Content-Type", contentType}) : List.<String[]>of();
            return new Answer(status, reason, headers, bytes);
        }

        @Override
        Verdict apply(RuleContext cx) {
            return Verdict.answer(fixed != null ? fixed : answer(body.expand(cx, null)));
        }
    }

    private static final class AuthStep extends Step {
        private final String userlist;
        private final String challenge;
        private final Userlists userlists;

        AuthStep(AclCondition when, String userlist, String realm, Userlists userlists) {
            super(when);
            this.userlist = userlist;
            this.challenge = "Basic realm=\"" + realm + "\"";
            this.userlists = userlists;
        }

        @Override
        Verdict apply(RuleContext cx) {
            Userlists.Check c = userlists.check(userlist, cx.header("authorization"));
            if (c.now() == null) {
                return AGAIN;
            }
            if (c.now()) {
                return null;
            }
            Answer page = cx.page(401);
            List<String[]> headers = new ArrayList<>();
            for (String[] h : page.headers()) {
                if (!h[0].equalsIgnoreCase("www-authenticate")) {
                    headers.add(h);
                }
            }
            headers.add(new String[] {"WWW-Authenticate", challenge});
            return Verdict.answer(new Answer(page.status(), page.reason(), headers, page.body()));
        }

        /** The check the last {@link #apply} started; completes normally whatever happens. */
        java.util.concurrent.CompletableFuture<?> waiting(RuleContext cx) {
            Userlists.Check c = userlists.check(userlist, cx.header("authorization"));
            return c.later() == null ? java.util.concurrent.CompletableFuture.completedFuture(c.now())
                    : c.later().handle((ok, e) -> ok);
        }
    }
}
