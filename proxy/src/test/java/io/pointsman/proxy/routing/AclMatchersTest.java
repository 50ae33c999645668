package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Regex;
import io.pointsman.proxy.config.StatusRange;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.tls.TlsFacts;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The §8 matchers, one by one, with HAProxy's semantics. */
class AclMatchersTest {
    private static boolean holds(AclMatch m, boolean ignoreCase, RequestFacts f) {
        AclMatcher matcher = AclMatchers.compile("t", new Acl("a", m, ignoreCase), FrontendLimits.NONE);
        matcher.prepare();
        return matcher.matches(f);
    }

    private static boolean holds(AclMatch m, RequestFacts f) {
        return holds(m, false, f);
    }

    private static RequestFacts req(String method, String host, String path, String query, Map<String, List<String>> headers) {
        return new RequestFacts() {
            public InetAddress source() {
                return InetAddress.getLoopbackAddress();
            }

            public int destinationPort() {
                return 80;
            }

            public String method() {
                return method;
            }

            public String host() {
                return host;
            }

            public String path() {
                return path;
            }

            public String query() {
                return query;
            }

            public List<String> header(String name) {
                return headers.getOrDefault(name.toLowerCase(), List.of());
            }
        };
    }

    private static final RequestFacts R = req("GET", "www.example.com", "/api/v1/Users.json", "a=1&utm=x&flag",
            Map.of("user-agent", List.of("Mozilla GoogleBot/2.1"), "x-host", List.of("www.example.com:80"), "accept", List.of("text/html, application/json"),
                    "cookie", List.of("sid=abc; theme=dark", "lang=fr")));

    @Test
    void pathMatchers() {
        assertTrue(holds(new AclMatch.PathSub(List.of("v1/U")), R));
        assertFalse(holds(new AclMatch.PathSub(List.of("v1/u")), R));
        assertTrue(holds(new AclMatch.PathSub(List.of("v1/u")), true, R));
        assertTrue(holds(new AclMatch.PathDir(List.of("v1")), R), "a whole segment");
        assertTrue(holds(new AclMatch.PathDir(List.of("/api/v1/")), R), "delimiters at the ends are ignored");
        assertFalse(holds(new AclMatch.PathDir(List.of("v")), R), "not part of a segment");
        assertTrue(holds(new AclMatch.PathBeg(List.of("/API/")), true, R));
        assertFalse(holds(new AclMatch.PathBeg(List.of("/API/")), R));
        assertTrue(holds(new AclMatch.PathEnd(List.of(".JSON")), true, R));
        assertTrue(holds(new AclMatch.Path(List.of("/API/V1/USERS.JSON")), true, R));
        assertTrue(holds(new AclMatch.PathReg(List.of(Regex.parse("users"))), true, R));
        assertFalse(holds(new AclMatch.PathReg(List.of(Regex.parse("users"))), R));
    }

    @Test
    void hostMatchersIgnoreCaseAndPort() {
        RequestFacts f = req("GET", "WWW.Example.com:8080", "/", null, Map.of());
        assertTrue(holds(new AclMatch.HostBeg(List.of("www.")), f));
        assertTrue(holds(new AclMatch.HostEnd(List.of(".EXAMPLE.com")), f));
        assertFalse(holds(new AclMatch.HostEnd(List.of(":8080")), f), "the port is not part of the host");
        assertTrue(holds(new AclMatch.HostSub(List.of("example")), f));
        assertTrue(holds(new AclMatch.HostReg(List.of(Regex.parse("^www\\.EXAMPLE\\.com$"))), f));
    }

    @Test
    void headerMatchKinds() {
        assertTrue(holds(new AclMatch.Header("User-Agent", new TextMatch.Sub(List.of("bot"))), true, R));
        assertFalse(holds(new AclMatch.Header("User-Agent", new TextMatch.Sub(List.of("bot"))), R));
        assertTrue(holds(new AclMatch.Header("accept", new TextMatch.Exact(List.of("application/json"))), R),
                "an element of a comma-separated value");
        assertTrue(holds(new AclMatch.Header("Accept", new TextMatch.Beg(List.of("text/"))), R));
        assertTrue(holds(new AclMatch.Header("Accept", new TextMatch.End(List.of("json"))), R));
        assertTrue(holds(new AclMatch.Header("Accept", new TextMatch.Reg(List.of(Regex.parse("^app")))), R));
        assertTrue(holds(new AclMatch.Header("x-host", new TextMatch.Dom(List.of("example"))), R),
                "dom: between '/', '?', '.', ':' or the ends");
        assertFalse(holds(new AclMatch.Header("x-host", new TextMatch.Dom(List.of("exam"))), R));
        assertFalse(holds(new AclMatch.Header("user-agent", new TextMatch.Dom(List.of("GoogleBot"))), R),
                "a space is no delimiter");
        assertTrue(holds(new AclMatch.Header("X-None", new TextMatch.Found(false)), R));
        assertFalse(holds(new AclMatch.Header("X-None", new TextMatch.Found(true)), R));
        assertTrue(holds(new AclMatch.Header("Accept", new TextMatch.Found(true)), R));
    }

    @Test
    void cookiesAndQueryParameters() {
        assertTrue(holds(new AclMatch.Cookie("theme", new TextMatch.Values(List.of("dark"))), R));
        assertTrue(holds(new AclMatch.Cookie("lang", new TextMatch.Exact(List.of("FR"))), true, R));
        assertFalse(holds(new AclMatch.Cookie("the", new TextMatch.Found(true)), R), "names match whole");
        assertTrue(holds(new AclMatch.QueryParam("utm", new TextMatch.Values(List.of("x"))), R));
        assertTrue(holds(new AclMatch.QueryParam("flag", new TextMatch.Found(true)), R), "a bare name is there");
        assertFalse(holds(new AclMatch.QueryParam("a", new TextMatch.Values(List.of("2"))), R));
    }

    @Test
    void methodPresetsAndCase() {
        assertTrue(holds(new AclMatch.Method(List.of("METH_GET")), req("HEAD", null, "/", null, Map.of())));
        assertTrue(holds(new AclMatch.Method(List.of("METH_GET")), R));
        assertFalse(holds(new AclMatch.Method(List.of("get")), R));
        assertTrue(holds(new AclMatch.Method(List.of("get")), true, R));
    }

    @Test
    void tlsAlwaysAndStatus() {
        RequestFacts plain = R;
        RequestFacts tls = new RequestFacts() {
            public InetAddress source() {
                return null;
            }

            public int destinationPort() {
                return 443;
            }

            public TlsFacts tls() {
                return new TlsFacts("TLSv1.3", "c", null, null, null, 0);
            }

            public int status() {
                return 503;
            }
        };
        assertTrue(holds(new AclMatch.SslFc(true), tls));
        assertFalse(holds(new AclMatch.SslFc(true), plain));
        assertTrue(holds(new AclMatch.SslFc(false), plain));
        assertFalse(holds(new AclMatch.SslCUsed(true), tls), "no client certificate");
        assertFalse(holds(new AclMatch.SslCVerify(true), tls));
        assertTrue(holds(new AclMatch.Always(true), plain));
        assertFalse(holds(new AclMatch.Always(false), plain));
        assertTrue(holds(new AclMatch.Status(List.of(StatusRange.parse("500-599"))), tls));
        assertFalse(holds(new AclMatch.Status(List.of(StatusRange.parse("500-599"))), plain), "no response yet");
    }

    @Test
    void overLimitNeedsTheLimit() {
        assertThrows(InvalidRouteException.class, () -> AclMatchers.compile("t",
                new Acl("a", new AclMatch.OverLimit("nope")), FrontendLimits.NONE));
    }
}
