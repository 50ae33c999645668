package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.HeaderMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Compiles an {@link Acl} into its {@link AclMatcher}; one small class per matcher kind. */
final class AclMatchers {
    private AclMatchers() {}

    /**
     * @throws InvalidRouteException when the acl sets no matcher or more than one, or a
     *                               value cannot be compiled (validation should have caught it)
     */
    static AclMatcher compile(String frontend, Acl acl) {
        List<AclMatcher> found = new ArrayList<>(1);
        try {
            if (acl.src() != null) {
                found.add(new Src(acl.src()));
            }
            if (acl.dstPort() != null) {
                found.add(new DstPort(acl.dstPort()));
            }
            if (acl.sni() != null) {
                found.add(new Sni(new HostPattern(acl.sni())));
            }
            if (acl.path() != null) {
                found.add(new PathExact(acl.path()));
            }
            if (acl.pathBeg() != null) {
                found.add(new PathTrie(acl.pathBeg(), false));
            }
            if (acl.pathEnd() != null) {
                found.add(new PathTrie(acl.pathEnd(), true));
            }
            if (acl.pathReg() != null) {
                found.add(new PathRegex(acl.pathReg()));
            }
            if (acl.host() != null) {
                found.add(new Host(new HostPattern(acl.host())));
            }
            if (acl.method() != null) {
                found.add(new Method(acl.method()));
            }
            if (acl.header() != null) {
                found.add(new Header(acl.header()));
            }
        } catch (RuntimeException e) {
            throw new InvalidRouteException("frontend '" + frontend + "': acl '" + acl.name() + "': " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new InvalidRouteException("frontend '" + frontend + "': acl '" + acl.name() + "' must set exactly one matcher, it sets "
                    + found.size());
        }
        return found.get(0);
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

    /** {@code path_reg}: found anywhere in the path unless anchored ({@code find()}, as HAProxy's regex match). */
    static final class PathRegex implements AclMatcher {
        private final Pattern[] patterns;

        PathRegex(List<String> regexes) {
            patterns = new Pattern[regexes.size()];
            for (int i = 0; i < patterns.length; i++) {
                patterns[i] = Pattern.compile(regexes.get(i));
            }
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String p = facts.path();
            if (p == null) {
                return false;
            }
            for (Pattern pattern : patterns) {
                if (pattern.matcher(p).find()) {
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

    /** {@code method}: exact and case-sensitive, as HAProxy ({@code get} is not {@code GET}). */
    static final class Method implements AclMatcher {
        private final Set<String> methods;

        Method(List<String> methods) {
            this.methods = Set.copyOf(new HashSet<>(methods));
        }

        @Override
        public boolean matches(RequestFacts facts) {
            String m = facts.method();
            return m != null && methods.contains(m);
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
            for (String m : methods) {
                index.method(m, rank);
            }
        }
    }

    /**
     * {@code header: {name, values}}: the header (name case-insensitive) has one of the
     * values, compared case-sensitively. Like HAProxy's {@code hdr(name)}, a value
     * that is a comma-separated list matches when the whole value or one of its
     * elements (trimmed) does: {@code Accept: text/html, application/json} matches
     * {@code application/json}.
     */
    static final class Header implements AclMatcher {
        private final String name;
        private final Set<String> values;

        Header(HeaderMatch header) {
            if (header.name() == null || header.name().isBlank()) {
                throw new IllegalArgumentException("header matcher needs a name");
            }
            this.name = header.name().trim().toLowerCase(Locale.ROOT);
            this.values = Set.copyOf(new HashSet<>(header.values()));
        }

        @Override
        public boolean matches(RequestFacts facts) {
            List<String> present = facts.header(name);
            if (present == null) {
                return false;
            }
            for (int i = 0; i < present.size(); i++) {
                String v = present.get(i);
                if (v != null && (values.contains(v) || (v.indexOf(',') >= 0 && anyElement(v)))) {
                    return true;
                }
            }
            return false;
        }

        private boolean anyElement(String list) {
            int start = 0;
            while (start <= list.length()) {
                int comma = list.indexOf(',', start);
                int end = comma < 0 ? list.length() : comma;
                if (values.contains(list.substring(start, end).trim())) {
                    return true;
                }
                if (comma < 0) {
                    return false;
                }
                start = comma + 1;
            }
            return false;
        }

        @Override
        public boolean readsHttp() {
            return true;
        }
    }
}
