package io.pointsman.proxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.UseBackend;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrontendRouterTest {

    // --- helpers -------------------------------------------------------------------

    private static Acl acl(String name) {
        return new Acl(name, null);
    }

    static Acl src(String name, String... cidrs) {
        List<Cidr> list = new ArrayList<>();
        for (String c : cidrs) {
            list.add(Cidr.parse(c));
        }
        return new Acl(name, new AclMatch.Src(list));
    }

    static Acl dstPort(String name, Integer... ports) {
        return new Acl(name, new AclMatch.DstPort(List.of(ports)));
    }

    static Acl sni(String name, String... v) {
        return new Acl(name, new AclMatch.Sni(List.of(v)));
    }

    static Acl path(String name, String... v) {
        return new Acl(name, new AclMatch.Path(List.of(v)));
    }

    static Acl pathBeg(String name, String... v) {
        return new Acl(name, new AclMatch.PathBeg(List.of(v)));
    }

    static Acl pathEnd(String name, String... v) {
        return new Acl(name, new AclMatch.PathEnd(List.of(v)));
    }

    static Acl pathReg(String name, String... v) {
        return new Acl(name, new AclMatch.PathReg(java.util.Arrays.stream(v).map(io.pointsman.proxy.config.Regex::parse).toList()));
    }

    static Acl host(String name, String... v) {
        return new Acl(name, new AclMatch.Host(List.of(v)));
    }

    static Acl method(String name, String... v) {
        return new Acl(name, new AclMatch.Method(List.of(v)));
    }

    static Acl header(String name, String header, String... v) {
        return new Acl(name, new AclMatch.Header(header, new TextMatch.Values(List.of(v))));
    }

    static UseBackend ifRule(String backend, String cond) {
        return new UseBackend(backend, Condition.parse(cond), null);
    }

    static UseBackend unlessRule(String backend, String cond) {
        return new UseBackend(backend, null, Condition.parse(cond));
    }

    static FrontendRouter router(List<Acl> acls, List<UseBackend> rules, String defaultBackend) {
        return FrontendRouter.compile(new Frontend("fe", Mode.HTTP, List.of(), null, null, false, false, null,
                acls, rules, defaultBackend));
    }

    /** A router with one acl: "hit" when it matches, else "miss". */
    static FrontendRouter single(Acl acl) {
        return router(List.of(acl), List.of(ifRule("hit", acl.name())), "miss");
    }

    static FixedRequestFacts.Builder facts() {
        return FixedRequestFacts.builder().source("198.51.100.1").destinationPort(80);
    }

    static boolean hits(FrontendRouter r, FixedRequestFacts.Builder f) {
        return "hit".equals(r.route(f.build()));
    }

    // --- matchers ------------------------------------------------------------------

    @Test
    void srcMatchesV4AndV6Networks() {
        FrontendRouter r = single(src("pilot", "203.0.113.0/24", "2001:db8::/32"));
        assertTrue(hits(r, facts().source("203.0.113.9")));
        assertTrue(hits(r, facts().source("2001:db8:1::9")));
        assertTrue(hits(r, facts().source("::ffff:203.0.113.9")));
        assertFalse(hits(r, facts().source("203.0.114.9")));
        assertFalse(hits(r, facts().source("2001:db9::9")));
        assertFalse(hits(r, FixedRequestFacts.builder()), "no source, no match");
        assertFalse(r.usesSni());
        assertFalse(r.usesHttpFacts());
    }

    @Test
    void dstPort() {
        FrontendRouter r = single(dstPort("tls", 443, 8443));
        assertTrue(hits(r, facts().destinationPort(443)));
        assertTrue(hits(r, facts().destinationPort(8443)));
        assertFalse(hits(r, facts().destinationPort(80)));
    }

    @Test
    void sniExactAndWildcard() {
        FrontendRouter r = single(sni("site", "App.Example.com", "*.example.org"));
        assertTrue(r.usesSni());
        assertTrue(hits(r, facts().sni("app.example.com")));
        assertTrue(hits(r, facts().sni("APP.example.COM")));
        assertTrue(hits(r, facts().sni("a.example.org")));
        assertTrue(hits(r, facts().sni("a.b.example.org")), "wildcards match any depth");
        assertFalse(hits(r, facts().sni("example.org")), "the wildcard needs at least one label");
        assertFalse(hits(r, facts().sni("badexample.org")));
        assertFalse(hits(r, facts().sni("other.example.com")));
        assertFalse(hits(r, facts()), "no SNI, no match");
    }

    @Test
    void hostIsCaseInsensitiveIgnoresPortAndAllowsWildcards() {
        FrontendRouter r = single(host("admin", "admin.example.com", "*.internal.example.com", "[::1]"));
        assertTrue(r.usesHttpFacts());
        assertFalse(r.usesSni());
        assertTrue(hits(r, facts().host("admin.example.com")));
        assertTrue(hits(r, facts().host("ADMIN.Example.Com")));
        assertTrue(hits(r, facts().host("admin.example.com:8080")));
        assertTrue(hits(r, facts().host("admin.example.com.")));
        assertTrue(hits(r, facts().host("x.internal.example.com")));
        assertTrue(hits(r, facts().host("y.x.internal.example.com:443")));
        assertTrue(hits(r, facts().host("[::1]:8080")));
        assertFalse(hits(r, facts().host("internal.example.com")));
        assertFalse(hits(r, facts().host("www.example.com")));
        assertFalse(hits(r, facts()));
    }

    @Test
    void manyWildcardsUseTheSetLookup() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            names.add("*.tenant" + i + ".example.com");
        }
        FrontendRouter r = single(host("tenants", names.toArray(new String[0])));
        assertTrue(hits(r, facts().host("a.tenant7.example.com")));
        assertTrue(hits(r, facts().host("a.b.tenant49.example.com")));
        assertFalse(hits(r, facts().host("tenant7.example.com")));
        assertFalse(hits(r, facts().host("a.tenant50.example.com")));
    }

    @Test
    void pathExact() {
        FrontendRouter r = single(path("health", "/health", "/ping"));
        assertTrue(hits(r, facts().path("/health")));
        assertTrue(hits(r, facts().path("/ping")));
        assertFalse(hits(r, facts().path("/health/")));
        assertFalse(hits(r, facts().path("/HEALTH")));
        assertFalse(hits(r, facts()), "tcp mode: no path");
    }

    @Test
    void pathBegWithManyPrefixes() {
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            prefixes.add("/tenant/" + i + "/");
        }
        prefixes.add("/api/");
        FrontendRouter r = single(pathBeg("api", prefixes.toArray(new String[0])));
        assertTrue(hits(r, facts().path("/api/")));
        assertTrue(hits(r, facts().path("/api/v1/users")));
        assertTrue(hits(r, facts().path("/tenant/999/x")));
        assertTrue(hits(r, facts().path("/tenant/10/")));
        assertFalse(hits(r, facts().path("/api")));
        assertFalse(hits(r, facts().path("/tenant/1000/x")));
        assertFalse(hits(r, facts().path("/tenant/1")));
        assertFalse(hits(r, facts().path("")));
    }

    @Test
    void emptyPrefixMatchesEveryPath() {
        FrontendRouter r = single(pathBeg("all", ""));
        assertTrue(hits(r, facts().path("/anything")));
        assertFalse(hits(r, facts()), "still needs a path");
    }

    @Test
    void pathEnd() {
        FrontendRouter r = single(pathEnd("static", ".css", ".js", "/favicon.ico"));
        assertTrue(hits(r, facts().path("/a/b.css")));
        assertTrue(hits(r, facts().path("/app.js")));
        assertTrue(hits(r, facts().path("/favicon.ico")));
        assertFalse(hits(r, facts().path("/app.jsx")));
        assertFalse(hits(r, facts().path("/css")));
    }

    @Test
    void pathRegFindsAnywhereUnlessAnchored() {
        FrontendRouter r = single(pathReg("img", "\\.(png|jpe?g)$", "^/v[0-9]+/"));
        assertTrue(hits(r, facts().path("/images/a.png")));
        assertTrue(hits(r, facts().path("/a.jpeg")));
        assertTrue(hits(r, facts().path("/v2/users")));
        assertFalse(hits(r, facts().path("/a.png.txt")));
        assertFalse(hits(r, facts().path("/api/v2/users")));
        FrontendRouter unanchored = single(pathReg("admin", "admin"));
        assertTrue(hits(unanchored, facts().path("/x/admin/y")), "find(), not matches()");
    }

    @Test
    void methodIsCaseSensitive() {
        FrontendRouter r = single(method("write", "POST", "PUT"));
        assertTrue(hits(r, facts().method("POST")));
        assertTrue(hits(r, facts().method("PUT")));
        assertFalse(hits(r, facts().method("post")));
        assertFalse(hits(r, facts().method("GET")));
    }

    @Test
    void headerNameIsCaseInsensitiveValuesAreNot() {
        FrontendRouter r = single(header("json", "Accept", "application/json"));
        assertTrue(hits(r, facts().header("accept", "application/json")));
        assertTrue(hits(r, facts().header("ACCEPT", "text/html", "application/json")));
        assertTrue(hits(r, facts().header("Accept", "text/html, application/json")), "comma-separated element");
        assertFalse(hits(r, facts().header("Accept", "Application/JSON")));
        assertFalse(hits(r, facts().header("Content-Type", "application/json")));
        assertFalse(hits(r, facts()));
    }

    // --- conditions ----------------------------------------------------------------

    private static final List<Acl> ABC = List.of(path("a", "/a"), method("b", "POST"), host("c", "c.example"));

    @Test
    void andNotOrCondition() {
        FrontendRouter r = router(ABC, List.of(ifRule("hit", "a !b || c")), "miss");
        assertTrue(hits(r, facts().path("/a").method("GET")));
        assertFalse(hits(r, facts().path("/a").method("POST")));
        assertTrue(hits(r, facts().path("/a").method("POST").host("c.example")));
        assertTrue(hits(r, facts().path("/x").host("c.example")));
        assertFalse(hits(r, facts().path("/x")));
        FrontendRouter withOr = router(ABC, List.of(ifRule("hit", "a !b or c")), "miss");
        assertTrue(hits(withOr, facts().path("/x").host("c.example")));
    }

    @Test
    void unlessInvertsTheWholeCondition() {
        FrontendRouter r = router(ABC, List.of(unlessRule("hit", "a || b")), "miss");
        assertTrue(hits(r, facts().path("/x").method("GET")));
        assertFalse(hits(r, facts().path("/a").method("GET")));
        assertFalse(hits(r, facts().path("/x").method("POST")));
        FrontendRouter neg = router(ABC, List.of(unlessRule("hit", "!a")), "miss");
        assertTrue(hits(neg, facts().path("/a")));
        assertFalse(hits(neg, facts().path("/b")));
    }

    @Test
    void firstMatchingRuleWinsThenDefaultThenNull() {
        List<Acl> acls = List.of(pathBeg("api", "/api/"), host("admin", "admin.example.com"));
        List<UseBackend> rules = List.of(
                ifRule("api-farm", "api !admin"),
                ifRule("admin-farm", "admin"),
                ifRule("never", "api"));
        FrontendRouter r = router(acls, rules, "web-farm");
        assertEquals("api-farm", r.route(facts().path("/api/x").build()));
        assertEquals("admin-farm", r.route(facts().path("/api/x").host("admin.example.com").build()));
        assertEquals("admin-farm", r.route(facts().path("/").host("admin.example.com").build()));
        assertEquals("web-farm", r.route(facts().path("/").build()));

        FrontendRouter noDefault = router(acls, rules, null);
        assertNull(noDefault.route(facts().path("/").build()));
        assertEquals("api-farm", noDefault.route(facts().path("/api/").build()));
    }

    @Test
    void ruleWithoutConditionAlwaysMatches() {
        FrontendRouter r = router(ABC, List.of(ifRule("x", "a"), new UseBackend("always", null, null),
                ifRule("later", "b")), "default");
        assertEquals("x", r.route(facts().path("/a").build()));
        assertEquals("always", r.route(facts().method("POST").build()));
    }

    @Test
    void eachAclIsEvaluatedAtMostOncePerDecisionAndOnlyWhenNeeded() {
        AtomicInteger calls = new AtomicInteger();
        RequestFacts counting = new RequestFacts() {
            @Override
            public InetAddress source() {
                return null;
            }

            @Override
            public int destinationPort() {
                return 80;
            }

            @Override
            public String path() {
                calls.incrementAndGet();
                return "/x";
            }

            @Override
            public String method() {
                return "GET";
            }
        };
        // "a" (path) is used by three rules; it must be read once.
        FrontendRouter r = router(ABC, List.of(ifRule("r1", "a b"), ifRule("r2", "b || a"), ifRule("r3", "!b a")),
                "default");
        assertEquals("default", r.route(counting));
        assertEquals(1, calls.get());

        // A rule that matches on "b" first never reads the path.
        calls.set(0);
        FrontendRouter lazy = router(ABC, List.of(ifRule("r1", "!b"), ifRule("r2", "a")), "default");
        assertEquals("r1", lazy.route(counting));
        assertEquals(0, calls.get());
    }

    @Test
    void moreThan64AclsAreEvaluatedCorrectly() {
        List<Acl> acls = new ArrayList<>();
        List<UseBackend> rules = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            acls.add(path("p" + i, "/p" + i));
            rules.add(ifRule("b" + i, "p" + i + " || p" + (149 - i) + " !p" + i));
        }
        FrontendRouter r = router(acls, rules, "default");
        assertEquals("b0", r.route(facts().path("/p0").build()));
        assertEquals("b49", r.route(facts().path("/p100").build()), "rule 49 reads p100 (past the 64th acl)");
        assertEquals("b70", r.route(facts().path("/p70").build()));
        assertEquals("b0", r.route(facts().path("/p149").build()), "rule 0 also matches p149 when not p0");
        assertEquals("default", r.route(facts().path("/none").build()));
    }

    @Test
    void tenThousandCidrsRouteCorrectly() {
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            cidrs.add("10." + (i / 256) + "." + (i % 256) + ".0/24");
        }
        List<String> v6 = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            v6.add("2001:db8:" + Integer.toHexString(i) + "::/48");
        }
        FrontendRouter r = router(List.of(src("big", cidrs.toArray(new String[0])), src("six", v6.toArray(new String[0]))),
                List.of(ifRule("v4", "big"), ifRule("v6", "six")), "other");
        assertEquals("v4", r.route(facts().source("10.0.0.1").build()));
        assertEquals("v4", r.route(facts().source("10.39.15.200").build())); // i = 9999
        assertEquals("other", r.route(facts().source("10.39.16.1").build())); // i = 10000
        assertEquals("v4", r.route(facts().source("::ffff:10.20.30.40").build()));
        assertEquals("other", r.route(facts().source("11.0.0.1").build()));
        assertEquals("v6", r.route(facts().source("2001:db8:3e7::1").build())); // 999
        assertEquals("other", r.route(facts().source("2001:db8:3e8::1").build()));
    }

    @Test
    void routeAllocatesNothingForStringAndPortMatchers() {
        List<Acl> acls = List.of(pathBeg("api", "/api/", "/v2/"), host("admin", "admin.example.com", "*.internal"),
                method("write", "POST"), dstPort("tls", 443), pathEnd("css", ".css"), sni("s", "x.example"));
        FrontendRouter r = router(acls, List.of(ifRule("a", "api !admin"), ifRule("b", "write tls || css"),
                ifRule("c", "s"), unlessRule("d", "admin")), "default");
        RequestFacts f = facts().path("/static/site.js").host("www.internal").method("GET").build();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        String result = null;
        for (int i = 0; i < 20_000; i++) { // warm up
            result = r.route(f);
        }
        assertEquals("default", result);
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            result = r.route(f);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals("default", result);
        assertTrue(allocated < 4096, "10,000 routes allocated " + allocated + " bytes");
    }

    @Test
    void ruleEveryCustomerShapeRoutesFirstMatchAndAllocatesNothing() {
        // The seed-2011 shape: an acl + use_backend per customer, thousands of them, with an
        // overlapping catch-all network early on and a non-indexable rule in between.
        List<Acl> acls = new ArrayList<>();
        List<UseBackend> rules = new ArrayList<>();
        acls.add(src("early", "10.7.0.0/16"));
        rules.add(ifRule("early", "early"));
        for (int i = 0; i < 2_000; i++) {
            acls.add(src("c" + i, "10." + (i / 256) + "." + (i % 256) + ".0/24"));
            rules.add(ifRule("b" + i, "c" + i));
        }
        acls.add(method("post", "POST"));
        rules.add(ifRule("posts", "post !c0"));
        for (int i = 0; i < 1_000; i++) {
            acls.add(pathBeg("p" + i, "/svc" + i + "/"));
            rules.add(ifRule("svc" + i, "p" + i));
        }
        FrontendRouter r = router(acls, rules, "default");
        assertTrue(r.toString().contains("(2 indexed runs)"), r.toString());
        // 10.7.207.0/24 is customer 1999's, but 10.7.0.0/16 (rule 0) holds it too and comes first.
        assertEquals("early", r.route(facts().source("10.7.207.1").build()));
        assertEquals("early", r.route(facts().source("::ffff:10.7.23.9").build()));
        assertEquals("b1791", r.route(facts().source("10.6.255.9").build()));
        assertEquals("b300", r.route(facts().source("10.1.44.9").build()));
        assertEquals("posts", r.route(facts().source("192.0.2.1").method("POST").path("/svc5/").build()));
        assertEquals("b0", r.route(facts().source("10.0.0.1").method("POST").path("/svc5/").build()));
        assertEquals("svc999", r.route(facts().source("192.0.2.1").path("/svc999/x").build()));
        assertEquals("default", r.route(facts().source("192.0.2.1").path("/svc1000/x").build()));

        RequestFacts f = facts().source("192.0.2.1").path("/svc999/items").method("GET").build();
        assertAllocatesNothing(r, f, "svc999");
    }

    @Test
    void manyAclsReadOnceAllocateNothing() {
        // 150 walked rules (AND terms are not indexable), each reading its own two acls once.
        List<Acl> acls = new ArrayList<>();
        List<UseBackend> rules = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            acls.add(pathBeg("p" + i, "/p" + i + "/"));
            acls.add(method("m" + i, "M" + i));
            rules.add(ifRule("b" + i, "p" + i + " m" + i));
        }
        FrontendRouter r = router(acls, rules, "default");
        assertEquals("b120", r.route(facts().path("/p120/").method("M120").build()));
        assertEquals("default", r.route(facts().path("/p120/").method("M121").build()));
        assertAllocatesNothing(r, facts().path("/p149/").method("M149").build(), "b149");
    }

    private static void assertAllocatesNothing(FrontendRouter r, RequestFacts f, String expected) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        String result = null;
        for (int i = 0; i < 20_000; i++) { // warm up
            result = r.route(f);
        }
        assertEquals(expected, result);
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            result = r.route(f);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(expected, result);
        assertTrue(allocated < 4096, "10,000 routes allocated " + allocated + " bytes");
    }

    // --- compile errors ------------------------------------------------------------

    @Test
    void unknownAclInConditionIsRejectedByName() {
        InvalidRouteException e = assertThrows(InvalidRouteException.class,
                () -> router(List.of(path("a", "/a")), List.of(ifRule("x", "a missing")), null));
        assertTrue(e.getMessage().contains("'missing'"), e.getMessage());
    }

    @Test
    void aclWithoutMatcherIsRejected() {
        InvalidRouteException e = assertThrows(InvalidRouteException.class,
                () -> router(List.of(acl("empty")), List.of(), null));
        assertTrue(e.getMessage().contains("'empty'"), e.getMessage());
    }

    @Test
    void badRegexIsRefusedWhenRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pathReg("bad", "("));
        assertTrue(e.getMessage().startsWith("bad regex '(': "), e.getMessage());
    }

    @Test
    void unusedSniAclDoesNotMakeTheFrontendReadSni() {
        FrontendRouter r = router(List.of(sni("s", "a.example"), dstPort("p", 443)), List.of(ifRule("x", "p")), null);
        assertFalse(r.usesSni());
    }
}
