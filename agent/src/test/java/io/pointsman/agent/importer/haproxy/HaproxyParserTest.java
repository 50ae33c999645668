package io.pointsman.agent.importer.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sections, directives and keyword placement as HAProxy's readcfgfile() and section parsers see them. */
class HaproxyParserTest {
    private static HaproxyConfig parse(String text) {
        return parse(text, Map.of());
    }

    private static HaproxyConfig parse(String text, Map<String, String> env) {
        return HaproxyParser.parse("haproxy.cfg", text.getBytes(StandardCharsets.UTF_8), env::get);
    }

    private static String errors(HaproxyConfig c) {
        StringBuilder sb = new StringBuilder();
        for (ParseFinding f : c.findings()) {
            if (f.kind() == ParseFinding.Kind.ERROR) {
                sb.append(f.line()).append(": ").append(f.message()).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void sectionsWithNamesDefaultsAndFrom() {
        HaproxyConfig c = parse("""
                global
                    maxconn 100
                defaults base
                    mode http
                defaults web from base
                    timeout client 5s
                frontend fe from web
                    bind :80
                backend be
                    server s 10.0.0.1:80
                listen old *:81
                    mode tcp
                """);
        assertEquals("", errors(c));
        assertEquals(List.of(SectionKind.GLOBAL, SectionKind.DEFAULTS, SectionKind.DEFAULTS, SectionKind.FRONTEND,
                SectionKind.BACKEND, SectionKind.LISTEN), c.sections().stream().map(CfgSection::kind).toList());
        assertEquals("base", c.sections().get(2).from());
        assertEquals("web", c.sections().get(3).from());
        assertEquals("*:81", c.sections().get(5).address());
        assertEquals(8, c.sections().get(3).lines().get(0).number());
        assertTrue(c.findings().stream().anyMatch(f -> f.line() == 11 && f.message().contains("1.x syntax")));
    }

    @Test
    void unknownKeywordsAndKeywordsOutOfPlaceAreReportedWithTheirLines() {
        HaproxyConfig c = parse("""
                maxconn 10
                defaults
                    bind :80
                    acl a path /a
                frontend fe
                    bind :80
                    server s 10.0.0.1:80
                    balance roundrobin
                    frobnicate yes
                    option frobnicate
                    timeout forever 1s
                backend be
                    use_backend other
                """);
        String e = errors(c);
        assertTrue(e.contains("1: unknown keyword 'maxconn' out of section"), e);
        assertTrue(e.contains("3: 'bind' not allowed in 'defaults' section"), e);
        assertTrue(e.contains("4: 'acl' not allowed in an anonymous 'defaults' section"), e);
        assertTrue(e.contains("7: 'server' not allowed in 'frontend' section"), e);
        assertTrue(e.contains("9: unknown keyword 'frobnicate' in 'frontend' section"), e);
        assertTrue(e.contains("10: unknown option 'frobnicate'"), e);
        assertTrue(e.contains("11: unknown timeout 'forever'"), e);
        // HAProxy only warns about these and ignores them: so does the import.
        assertTrue(c.findings().stream().anyMatch(f -> f.line() == 8 && f.kind() == ParseFinding.Kind.IGNORED), c.findings()::toString);
        assertTrue(c.findings().stream().anyMatch(f -> f.line() == 13 && f.kind() == ParseFinding.Kind.IGNORED), c.findings()::toString);
        assertTrue(c.sections().get(2).lines().stream().noneMatch(l -> l.keyword().equals("balance")));
    }

    @Test
    void oneXKeywordsAreKnownAndTwoXOnesToo() {
        HaproxyConfig c = parse("""
                defaults
                    contimeout 5000
                    clitimeout 5000
                    srvtimeout 5000
                    redispatch
                frontend fe
                    bind :80
                    reqadd X-Proto:\\ https
                    block if { path /x }
                    http-request set-header X-A b
                """);
        assertEquals("", errors(c));
        assertEquals("X-Proto: https", c.sections().get(1).lines().get(1).word(1));
    }

    @Test
    void noAndDefaultModifiers() {
        HaproxyConfig c = parse("""
                defaults
                    no option redispatch
                    default option httpclose
                    no timeout client
                    no option forwardfor
                """);
        String e = errors(c);
        assertTrue(e.contains("4: 'no' and 'default' go only before option"), e);
        assertTrue(e.contains("5: negation/default is not supported for option 'forwardfor'"), e);
        CfgLine no = c.sections().get(0).lines().get(0);
        assertEquals("no", no.modifier());
        assertEquals(List.of("option", "redispatch"), no.words());
        assertEquals("no option redispatch", no.label());
    }

    @Test
    void conditionalBlocksAndEnvironment() {
        HaproxyConfig c = parse("""
                global
                    setenv PORT 8443
                .if defined(PROD)
                    maxconn 1000
                .elif version_atleast(2.4) && !streq(a,b)
                    maxconn 2000
                .else
                    maxconn 3000
                .endif
                frontend fe
                    bind ":${PORT}"
                .if 0
                    this is never read
                .endif
                """);
        assertEquals("", errors(c));
        List<CfgLine> global = c.sections().get(0).lines();
        assertEquals("2000", global.get(1).word(1));
        assertEquals(2, global.size());
        assertEquals(":8443", c.sections().get(1).lines().get(0).word(1));

        HaproxyConfig prod = parse(".if defined(PROD)\nglobal\n.endif\n", Map.of("PROD", "1"));
        assertEquals(1, prod.sections().size());

        String e = errors(parse(".if feature(OPENSSL)\n.endif\n.else\n.if 1\n"));
        assertTrue(e.contains("1: 'feature()' depends on how the target HAProxy was built"), e);
        assertTrue(e.contains("3: lone '.else'"), e);
        assertTrue(e.contains("'.if' block not terminated"), e);
    }

    @Test
    void badInputGetsLineNumbersNeverAnException() {
        String e = errors(parse("global\n    maxconn \"100\nfrontend fe\n  bind :80\u0000x\nbackend\n"));
        assertTrue(e.contains("2: unmatched quote at position 13"), e);
        assertTrue(e.contains("4: stray NUL character"), e);
        assertTrue(e.contains("5: 'backend' needs a name"), e);
        HaproxyConfig truncated = parse("global\n    maxconn 10");
        assertTrue(truncated.findings().stream().anyMatch(f -> f.line() == 2 && f.message().contains("truncated")));
        HaproxyConfig garbage = HaproxyParser.parse("x", new byte[] {(byte) 0xff, (byte) 0xfe, 0x7f, '\n', '{', '}'}, v -> null);
        assertTrue(garbage.hasErrors());
    }

    @Test
    void namesClash() {
        String e = errors(parse("frontend a\nbackend a\nbackend a\nlisten a\nfrontend b from nowhere\n"));
        assertFalse(e.contains("2:"), "a frontend and a backend may share a name");
        assertTrue(e.contains("3: 'backend a' has the same name as backend a (line 2)"), e);
        assertTrue(e.contains("4: 'listen a' has the same name as frontend a (line 1)"), e);
        assertTrue(e.contains("5: defaults section 'nowhere' not found"), e);
    }

    @Test
    void conditionsParseAsHaproxyDoes() {
        RuleCondition c = RuleCondition.parse(List.of("if", "a", "!", "b", "||", "{", "path_beg", "/x", "}", "or", "!!c"));
        assertEquals(3, c.anyOf().size());
        assertEquals("[a, !b]", c.anyOf().get(0).toString());
        assertEquals("path_beg", c.anyOf().get(1).get(0).inline().fetch());
        assertFalse(c.anyOf().get(2).get(0).negated(), "!! cancels out");
        assertTrue(RuleCondition.parse(List.of("unless")).anyOf().isEmpty());
        assertEquals(1, RuleCondition.parse(List.of("if", "or", "a", "||")).anyOf().size());

        AclExpr e = AclExpr.parse(List.of("hdr_beg(host),lower", "-i", "-m", "beg", "--", "-www."));
        assertEquals("hdr_beg", e.fetch());
        assertEquals(List.of("host"), e.args());
        assertEquals(List.of("lower"), e.converters());
        assertTrue(e.ignoreCase());
        assertEquals("beg", e.method());
        assertEquals(List.of("-www."), e.values());
    }
}
