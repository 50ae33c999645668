package io.pointsman.proxy.routing;

import static io.pointsman.proxy.routing.FrontendRouterTest.dstPort;
import static io.pointsman.proxy.routing.FrontendRouterTest.header;
import static io.pointsman.proxy.routing.FrontendRouterTest.host;
import static io.pointsman.proxy.routing.FrontendRouterTest.ifRule;
import static io.pointsman.proxy.routing.FrontendRouterTest.method;
import static io.pointsman.proxy.routing.FrontendRouterTest.path;
import static io.pointsman.proxy.routing.FrontendRouterTest.pathBeg;
import static io.pointsman.proxy.routing.FrontendRouterTest.pathEnd;
import static io.pointsman.proxy.routing.FrontendRouterTest.pathReg;
import static io.pointsman.proxy.routing.FrontendRouterTest.sni;
import static io.pointsman.proxy.routing.FrontendRouterTest.src;
import static io.pointsman.proxy.routing.FrontendRouterTest.unlessRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.UseBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The indexed router must pick exactly the backend the plain linear walk picks
 * (HAProxy's "first rule whose condition holds"), for random rule lists: overlapping
 * CIDRs and prefixes in any order, IPv4/IPv6/mapped clients, acls shared by several
 * rules, indexable runs interleaved with rules that are not (AND, negation, regex,
 * header, wildcard host, unconditional). Fixed seeds, bounded sizes.
 */
class RuleIndexPropertyTest {
    private static final int FRONTENDS = 100;
    private static final int PROBES = 150;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2011})
    void indexedRoutingAgreesWithTheLinearWalk(long seed) {
        Random r = new Random(seed);
        int indexedRuns = 0;
        int matchedByRule = 0;
        for (int f = 0; f < FRONTENDS; f++) {
            Frontend frontend = randomFrontend(r);
            FrontendRouter linear = FrontendRouter.compile(frontend, Integer.MAX_VALUE);
            FrontendRouter everyRun = FrontendRouter.compile(frontend, 1);
            FrontendRouter standard = FrontendRouter.compile(frontend);
            indexedRuns += runs(everyRun);
            for (int p = 0; p < PROBES; p++) {
                RequestFacts facts = randomFacts(r);
                String expected = linear.route(facts);
                assertEquals(expected, everyRun.route(facts), () -> frontend + "\n" + facts);
                assertEquals(expected, standard.route(facts), () -> frontend + "\n" + facts);
                if (expected != null && !expected.equals("default")) {
                    matchedByRule++;
                }
            }
        }
        // The generator must exercise the index and make rules match, or this proves nothing.
        assertTrue(indexedRuns > FRONTENDS, "indexed runs: " + indexedRuns);
        assertTrue(matchedByRule > FRONTENDS * PROBES / 10, "probes routed by a rule: " + matchedByRule);
    }

    private static int runs(FrontendRouter router) {
        String s = router.toString();
        int open = s.indexOf(" rules (");
        return Integer.parseInt(s.substring(open + 8, s.indexOf(' ', open + 8)));
    }

    // ---- generators -------------------------------------------------------------------

    private static final String[] PATHS = {"/", "/a", "/a/", "/a/b", "/a/b/c.css", "/b", "/b/x.js", "/api/v1", ""};
    private static final String[] PREFIXES = {"/", "/a", "/a/", "/a/b", "/b", "/api/", "", "/c"};
    private static final String[] SUFFIXES = {".css", ".js", "/", "b", "c.css", ""};
    private static final String[] HOSTS = {"a.example.com", "b.example.com", "Example.COM", "c.test", "c.test."};
    private static final String[] METHODS = {"GET", "POST", "get", "PUT"};
    private static final int[] PORTS = {80, 443, 8080};

    private static Frontend randomFrontend(Random r) {
        int aclCount = 1 + r.nextInt(25);
        List<Acl> acls = new ArrayList<>();
        for (int i = 0; i < aclCount; i++) {
            acls.add(randomAcl(r, "a" + i));
        }
        int ruleCount = r.nextInt(40);
        List<UseBackend> rules = new ArrayList<>();
        for (int i = 0; i < ruleCount; i++) {
            rules.add(randomRule(r, "b" + i, aclCount));
        }
        String defaultBackend = r.nextInt(4) == 0 ? null : "default";
        return new Frontend("fe", Mode.HTTP, List.of(), null, null, false, false, null, acls, rules, defaultBackend);
    }

    private static Acl randomAcl(Random r, String name) {
        int kind = r.nextInt(100);
        if (kind < 40) {
            String[] cidrs = new String[1 + r.nextInt(3)];
            for (int i = 0; i < cidrs.length; i++) {
                cidrs[i] = randomCidr(r);
            }
            return src(name, cidrs);
        }
        if (kind < 52) {
            return pathBeg(name, pick(r, PREFIXES, 1 + r.nextInt(2)));
        }
        if (kind < 58) {
            return pathEnd(name, pick(r, SUFFIXES, 1 + r.nextInt(2)));
        }
        if (kind < 64) {
            return path(name, pick(r, PATHS, 1 + r.nextInt(2)));
        }
        if (kind < 72) {
            String[] names = pick(r, HOSTS, 1 + r.nextInt(2));
            if (r.nextInt(4) == 0) {
                names[0] = "*.example.com"; // a wildcard: not indexable
            }
            return host(name, names);
        }
        if (kind < 76) {
            return sni(name, pick(r, HOSTS, 1));
        }
        if (kind < 82) {
            return method(name, pick(r, METHODS, 1 + r.nextInt(2)));
        }
        if (kind < 90) {
            return dstPort(name, PORTS[r.nextInt(PORTS.length)]);
        }
        if (kind < 95) {
            return pathReg(name, "^/a", "x\\.js$");
        }
        return header(name, "X-Tenant", "t" + r.nextInt(3));
    }

    /** Overlapping networks from a small space, so that clients fall into several at once. */
    private static String randomCidr(Random r) {
        int k = r.nextInt(20);
        if (k == 0) {
            return r.nextBoolean() ? "0.0.0.0/0" : "::/0";
        }
        if (k == 1) {
            return "::ffff:10." + r.nextInt(3) + ".0.0/" + (104 + r.nextInt(17)); // an IPv4 network in mapped form
        }
        if (k == 2) {
            return "::/" + r.nextInt(97); // covers the mapped range: holds every IPv4 client
        }
        if (k < 8) {
            return "2001:db8:" + r.nextInt(3) + "::" + Integer.toHexString(r.nextInt(4)) + "/" + (32 + r.nextInt(97));
        }
        return "10." + r.nextInt(3) + "." + r.nextInt(3) + "." + r.nextInt(8) + "/" + (8 + r.nextInt(25));
    }

    private static UseBackend randomRule(Random r, String backend, int aclCount) {
        int k = r.nextInt(100);
        String a = "a" + r.nextInt(aclCount);
        String b = "a" + r.nextInt(aclCount);
        String c = "a" + r.nextInt(aclCount);
        if (k < 65) {
            return ifRule(backend, a); // the indexable shape
        }
        if (k < 73) {
            return ifRule(backend, a + " || " + b + (r.nextBoolean() ? " || " + c : "")); // indexable too
        }
        if (k < 78) {
            return unlessRule(backend, "!" + a + (r.nextBoolean() ? " !" + b : "")); // == if a || b
        }
        if (k < 84) {
            return ifRule(backend, a + " " + b);
        }
        if (k < 89) {
            return ifRule(backend, "!" + a);
        }
        if (k < 93) {
            return unlessRule(backend, a);
        }
        if (k < 97) {
            return ifRule(backend, a + " !" + b + " || " + c);
        }
        return new UseBackend(backend, null, null);
    }

    private static RequestFacts randomFacts(Random r) {
        FixedRequestFacts.Builder f = FixedRequestFacts.builder();
        int k = r.nextInt(10);
        if (k < 5) {
            f.source("10." + r.nextInt(3) + "." + r.nextInt(3) + "." + r.nextInt(256));
        } else if (k < 6) {
            f.source("::ffff:10." + r.nextInt(3) + "." + r.nextInt(3) + "." + r.nextInt(256));
        } else if (k < 8) {
            f.source("2001:db8:" + r.nextInt(3) + "::" + Integer.toHexString(r.nextInt(6)));
        } else if (k < 9) {
            f.source("192.0.2." + r.nextInt(256));
        } // else: no source
        f.destinationPort(r.nextInt(4) == 0 ? 22 : PORTS[r.nextInt(PORTS.length)]);
        if (r.nextInt(8) != 0) {
            f.path(PATHS[r.nextInt(PATHS.length)] + (r.nextInt(3) == 0 ? "x" : ""));
        }
        if (r.nextInt(6) != 0) {
            String h = HOSTS[r.nextInt(HOSTS.length)];
            f.host(r.nextInt(4) == 0 ? h.toUpperCase() + ":8080" : h);
        }
        if (r.nextInt(6) != 0) {
            f.method(METHODS[r.nextInt(METHODS.length)]);
        }
        if (r.nextInt(3) == 0) {
            f.sni(HOSTS[r.nextInt(HOSTS.length)].toLowerCase());
        }
        if (r.nextInt(3) == 0) {
            f.header("x-tenant", "t" + r.nextInt(3));
        }
        return f.build();
    }

    private static String[] pick(Random r, String[] from, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = from[r.nextInt(from.length)];
        }
        return out;
    }
}
