package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.StatusRange;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.limits.Limiter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Compiles an {@link Acl} into its {@link AclMatcher}; one small class per matcher kind. */
final class AclMatchers {
    /** HAProxy's predefined method acls, usable as {@code method} values. */
    static final java.util.Map<String, List<String>> METHOD_PRESETS = java.util.Map.of(
            "METH_CONNECT", List.of("CONNECT"), "METH_DELETE", List.of("DELETE"), "METH_GET", List.of("GET", "HEAD"),
            "METH_HEAD", List.of("HEAD"), "METH_OPTIONS", List.of("OPTIONS"), "METH_POST", List.of("POST"),
            "METH_PUT", List.of("PUT"), "METH_TRACE", List.of("TRACE"));

    private AclMatchers() {}

    /**
     * @param limits the frontend's limits, for {@code over_limit}
     * @throws InvalidRouteException when the acl has no matcher, names an unknown limit, or a
     *                               value cannot be compiled (validation should have caught it)
     */
    static AclMatcher compile(String owner, Acl acl, FrontendLimits limits) {
        try {
            AclMatcher m = compile(acl.match(), acl.ignoresCase(), limits);
            if (m == null) {
                throw new IllegalArgumentException("no matcher");
            }
            return m;
        } catch (RuntimeException e) {
            throw new InvalidRouteException(owner + ": acl '" + acl.name() + "': " + e.getMessage(), e);
        }
    }

    private static AclMatcher compile(AclMatch m, boolean ic, FrontendLimits limits) {
        if (m instanceof AclMatch.Src x) {
            return new Src(x.networks());
        }
        if (m instanceof AclMatch.DstPort x) {
            return new DstPort(x.ports());
        }
        if (m instanceof AclMatch.Sni x) {
            return new Sni(new HostPattern(x.names()));
        }
        if (m instanceof AclMatch.Path x) {
            return ic ? new PathText(TextTest.exact(x.values(), true)) : new PathExact(x.values());
        }
        if (m instanceof AclMatch.PathBeg x) {
            return ic ? new PathText(TextTest.beg(x.values(), true)) : new PathTrie(x.values(), false);
        }
        if (m instanceof AclMatch.PathEnd x) {
            return ic ? new PathText(TextTest.end(x.values(), true)) : new PathTrie(x.values(), true);
        }
        if (m instanceof AclMatch.PathReg x) {
            return new PathText(TextTest.reg(x.values(), ic));
        }
        if (m instanceof AclMatch.PathSub x) {
            return new PathText(TextTest.sub(x.values(), ic));
        }
        if (m instanceof AclMatch.PathDir x) {
            return new PathText(TextTest.words(x.values(), ic, "/?"));
        }
        if (m instanceof AclMatch.Host x) {
            return new Host(new HostPattern(x.values()));
        }
        if (m instanceof AclMatch.HostBeg x) {
            return new HostText(TextTest.beg(lower(x.values()), false));
        }
        if (m instanceof AclMatch.HostEnd x) {
            return new HostText(TextTest.end(lower(x.values()), false));
        }
        if (m instanceof AclMatch.HostSub x) {
            return new HostText(TextTest.sub(lower(x.values()), false));
        }
        if (m instanceof AclMatch.HostReg x) {
            return new HostText(TextTest.reg(x.values(), true));
        }
        if (m instanceof AclMatch.Method x) {
            return new Method(x.values(), ic);
        }
        if (m instanceof AclMatch.Header x) {
            return new Header(x.name(), x.match(), ic);
        }
        if (m instanceof AclMatch.Cookie x) {
            return new Named(x.name(), x.match(), ic, Named.Source.COOKIE);
        }
        if (m instanceof AclMatch.QueryParam x) {
            return new Named(x.name(), x.match(), ic, Named.Source.QUERY);
        }
        if (m instanceof AclMatch.SslFc x) {
            boolean want = x.value();
            return facts -> (facts.tls() != null) == want;
        }
        if (m instanceof AclMatch.SslCUsed x) {
            boolean want = x.value();
            return facts -> (facts.tls() != null && facts.tls().clientCertificate() != null) == want;
        }
        if (m instanceof AclMatch.SslCVerify x) {
            boolean want = x.value();
            return facts -> (facts.tls() != null && facts.tls().clientVerified()) == want;
        }
        if (m instanceof AclMatch.Always x) {
            boolean value = x.value();
            return facts -> value;
        }
        if (m instanceof AclMatch.OverLimit x) {
            Limiter l = limits.get(x.limit());
            if (l == null) {
                throw new IllegalArgumentException("no limit named '" + x.limit() + "'");
            }
            return new OverLimit(l);
        }
        if (m instanceof AclMatch.Status x) {
            return new Status(x.values());
        }
        return null;
    }

    private static List<String> lower(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(v.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** {@code src}: client address in one of the networks. */
    static final class Src implements AclMatcher {
        private final List<Cidr> cidrs;
        /** Built by {@link #prepare()}. */
        private CidrTrie networks;

        Src(List<Cidr> cidrs) {
            this.cidrs = cidrs;
        }

        @Override
        public void prepare() {
            networks = new CidrTrie(cidrs);
        }

        @Override
        public boolean matches(RequestFacts facts) {
            return networks.contains(facts.source());
        }

        @Override
        public boolean indexable() {
            return true;
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (Cidr c : cidrs) {
                index.src(c, rank);
            }
        }
    }

    /** {@code dst_port}: the local port the client connected to. */
    static final class DstPort implements AclMatcher {
        private final int[] ports;

        DstPort(List<Integer> ports) {
            this.ports = ports.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        }

        @Override
        public boolean matches(RequestFacts facts) {
            return Arrays.binarySearch(ports, facts.destinationPort()) >= 0;
        }

        @Override
        public boolean indexable() {
            return true;
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (int p : ports) {
                index.dstPort(p, rank);
            }
        }
    }

    /** {@code sni}: TLS ClientHello server name. */
    static final class Sni implements AclMatcher {
        private final HostPattern names;

        Sni(HostPattern names) {
            this.names = names;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            return names.matches(facts.sni());
        }

        @Override
        public boolean readsSni() {
            return true;
        }

        @Override
        public boolean indexable() {
            return names.exactOnly();
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (String n : names.exactNames()) {
                index.sni(n, rank);
            }
        }
    }

    /** {@code host}: Host header, port ignored, case-insensitive, {@code *.example.com} allowed. */
    static final class Host implements AclMatcher {
        private final HostPattern names;

        Host(HostPattern names) {
            this.names = names;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            return names.matches(facts.host());
        }

        @Override
        public boolean readsHttp() {
            return true;
        }

        @Override
        public boolean indexable() {
            return names.exactOnly();
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (String n : names.exactNames()) {
                index.host(n, rank);
            }
        }
    }

    /** {@code path}: exact path. */
    static final class PathExact implements AclMatcher {
        private final Set<String> paths;

        PathExact(List<String> paths) {
            this.paths = Set.copyOf(new HashSet<>(paths));
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String p = facts.path();
            return p != null && paths.contains(p);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }

        @Override
        public boolean indexable() {
            return true;
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (String p : paths) {
                index.path(p, rank);
            }
        }
    }

    /** {@code path_beg} / {@code path_end}: one walk over the path whatever the number of values. */
    static final class PathTrie implements AclMatcher {
        private final List<String> values;
        private final boolean suffixes;
        /** Built by {@link #prepare()}. */
        private PrefixTrie trie;

        PathTrie(List<String> values, boolean suffixes) {
            this.values = values;
            this.suffixes = suffixes;
        }

        @Override
        public void prepare() {
            trie = new PrefixTrie(values, suffixes);
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String p = facts.path();
            return p != null && trie.matches(p);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }

        @Override
        public boolean indexable() {
            return true;
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (String v : values) {
                if (suffixes) {
                    index.pathEnd(v, rank);
                } else {
                    index.pathBeg(v, rank);
                }
            }
        }
    }

    /**
     * {@code method}: exact and case-sensitive, as HAProxy ({@code get} is not {@code GET})
     * unless {@code ignore_case}; HAProxy's preset names ({@code METH_GET} = GET or HEAD, …)
     * stand for their methods.
     */
    static final class Method implements AclMatcher {
        private final Set<String> methods;
        private final boolean ignoreCase;

        Method(List<String> values, boolean ignoreCase) {
            Set<String> all = new HashSet<>();
            for (String v : values) {
                List<String> preset = METHOD_PRESETS.get(v);
                for (String m : preset != null ? preset : List.of(v)) {
                    all.add(ignoreCase ? m.toUpperCase(Locale.ROOT) : m);
                }
            }
            this.methods = Set.copyOf(all);
            this.ignoreCase = ignoreCase;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String m = facts.method();
            return m != null && methods.contains(ignoreCase ? m.toUpperCase(Locale.ROOT) : m);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }

        @Override
        public boolean indexable() {
            return !ignoreCase;
        }

        @Override
        public void indexInto(RuleIndex.Builder index, int rank) {
            for (String m : methods) {
                index.method(m, rank);
            }
        }
    }

    /**
     * {@code header: {name, <match>}} ({@code hdr}, {@code hdr_beg}, …, {@code -m found}): the
     * request header (name case-insensitive) has a value the match holds for. Like HAProxy's
     * {@code hdr(name)}, a value that is a comma-separated list is tested whole and element
     * by element (trimmed): {@code Accept: text/html, application/json} matches
     * {@code exact: [application/json]}. {@code found: true} holds when the header is there
     * at all ({@code false}: when it is not).
     */
    static final class Header implements AclMatcher {
        private final String name;
        private final TextTest test;
        private final boolean found;

        Header(String name, TextMatch match, boolean ignoreCase) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("header matcher needs a name");
            }
            this.name = name.trim().toLowerCase(Locale.ROOT);
            this.test = TextTest.of(match, ignoreCase);
            this.found = match instanceof TextMatch.Found f && f.value();
        }

        @Override
        public boolean matches(RequestFacts facts) {
            List<String> present = facts.header(name);
            if (test == null) {
                return present.isEmpty() != found;
            }
            return anyValue(present, test);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }

    /** Whole values, and the elements of comma-separated ones, until the test holds. */
    static boolean anyValue(List<String> values, TextTest test) {
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v != null && (test.test(v) || (v.indexOf(',') >= 0 && anyElement(v, test)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyElement(String list, TextTest test) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            if (test.test(list.substring(start, end).trim())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }

    /** {@code cookie} ({@code req.cook(name)}) and {@code query_param} ({@code url_param(name)}): every value of the name. */
    static final class Named implements AclMatcher {
        enum Source { COOKIE, QUERY }

        private final String name;
        private final TextTest test;
        private final boolean found;
        private final Source source;

        Named(String name, TextMatch match, boolean ignoreCase, Source source) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(source.name().toLowerCase(Locale.ROOT) + " matcher needs a name");
            }
            this.name = name;
            this.test = TextTest.of(match, ignoreCase);
            this.found = match instanceof TextMatch.Found f && f.value();
            this.source = source;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            List<String> values = source == Source.COOKIE ? facts.cookie(name) : facts.queryParam(name);
            if (test == null) {
                return values.isEmpty() != found;
            }
            for (int i = 0; i < values.size(); i++) {
                if (test.test(values.get(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }

    /** {@code path_sub}, {@code path_dir}, {@code path_reg}, and the others with {@code ignore_case}. */
    static final class PathText implements AclMatcher {
        private final TextTest test;

        PathText(TextTest test) {
            this.test = test;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String p = facts.path();
            return p != null && test.test(p);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }

    /** {@code host_beg}, {@code host_end}, {@code host_sub}, {@code host_reg}: on the host without port, lower case. */
    static final class HostText implements AclMatcher {
        private final TextTest test;

        HostText(TextTest test) {
            this.test = test;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String h = HostPattern.lookupKey(facts.host());
            return h != null && test.test(h);
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }

    /** {@code over_limit: NAME}: the client is over the frontend's limit of that name. */
    static final class OverLimit implements AclMatcher {
        private final Limiter limiter;

        OverLimit(Limiter limiter) {
            this.limiter = limiter;
        }

        @Override
        public boolean matches(RequestFacts facts) {
            return limiter.isOver(facts.source());
        }
    }

    /** {@code status}: the response status is in one of the ranges ({@code http_response} rules). */
    static final class Status implements AclMatcher {
        private final List<StatusRange> ranges;

        Status(List<StatusRange> ranges) {
            this.ranges = List.copyOf(ranges);
        }

        @Override
        public boolean matches(RequestFacts facts) {
            int s = facts.status();
            if (s == 0) {
                return false;
            }
            for (int i = 0; i < ranges.size(); i++) {
                if (ranges.get(i).contains(s)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }
}
