package io.pointsman.agent.importer.haproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every keyword HAProxy 1.4 to 3.5 knows, and where it may appear (the resource
 * {@code keywords.txt}, taken from the keyword lists of HAProxy's manuals). Tells an
 * unknown keyword (HAProxy refuses the file) from one the importer does not translate,
 * and a keyword in the wrong section from one in its place.
 */
public final class KeywordCatalog {
    /** Keywords whose second word is part of the keyword in messages: {@code option httpchk}. */
    public static final Set<String> TWO_WORD = Set.of("option", "timeout", "stats", "http-check", "tcp-check",
            "tcp-request", "tcp-response", "capture", "stick", "monitor", "email-alert", "external-check", "persist",
            "rate-limit", "declare", "http-request", "http-response", "http-after-response", "redirect", "balance",
            "mode", "compression");

    /** Where a proxy keyword is allowed. */
    public record ProxyKeyword(String name, boolean defaults, boolean frontend, boolean listen, boolean backend,
            String first, String last) {

        public boolean allowedIn(SectionKind kind) {
            return switch (kind) {
                case DEFAULTS -> defaults;
                case FRONTEND -> frontend;
                case LISTEN -> listen;
                case BACKEND -> backend;
                default -> false;
            };
        }

        /** True when the current HAProxy manual no longer lists it (1.x keywords). */
        public boolean removed() {
            return !last.equals(LATEST);
        }
    }

    private static final String LATEST = "3.5";
    private static final KeywordCatalog INSTANCE = load();

    /** Keywords of the sections the importer does not translate keyword by keyword. */
    private static final Map<SectionKind, Set<String>> OTHER = Map.of(
            SectionKind.USERLIST, Set.of("group", "user"),
            SectionKind.PEERS, Set.of("peer", "bind", "default-bind", "default-server", "disabled", "enable",
                    "enabled", "server", "table", "log", "shards"),
            SectionKind.RESOLVERS, Set.of("nameserver", "parse-resolv-conf", "accepted_payload_size", "hold",
                    "resolve_retries", "resolution_pool_size", "timeout"),
            SectionKind.MAILERS, Set.of("mailer", "timeout"),
            SectionKind.HTTP_ERRORS, Set.of("errorfile"),
            SectionKind.RING, Set.of("description", "format", "maxlen", "size", "timeout", "server", "backing-file"),
            SectionKind.CACHE, Set.of("total-max-size", "max-object-size", "max-age", "process-vary",
                    "max-secondary-entries"),
            SectionKind.PROGRAM, Set.of("command", "user", "group", "option"));

    private final Map<String, String[]> global = new HashMap<>();
    private final Map<String, ProxyKeyword> proxy = new HashMap<>();
    private final Map<String, Integer> bindOptions = new HashMap<>();
    private final Map<String, Integer> serverOptions = new HashMap<>();
    /** First words of proxy keywords that exist only with a second word ({@code option}, {@code timeout}). */
    private final Set<String> families = new HashSet<>();

    private KeywordCatalog() {}

    public static KeywordCatalog get() {
        return INSTANCE;
    }

    private static KeywordCatalog load() {
        KeywordCatalog c = new KeywordCatalog();
        try (InputStream in = KeywordCatalog.class.getResourceAsStream("keywords.txt")) {
            if (in == null) {
                throw new IllegalStateException("keywords.txt missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                switch (f[0]) {
                    case "global" -> c.global.put(f[1], new String[] {f[2], f[3]});
                    case "proxy" -> {
                        String name = f[1].replace('+', ' ');
                        String flags = f[2];
                        c.proxy.put(name, new ProxyKeyword(name, flags.charAt(0) == 'X', flags.charAt(1) == 'X',
                                flags.charAt(2) == 'X', flags.charAt(3) == 'X', f[3], f[4]));
                    }
                    case "bind" -> c.bindOptions.put(f[1], Integer.parseInt(f[2]));
                    case "server" -> c.serverOptions.put(f[1], Integer.parseInt(f[2]));
                    default -> throw new IllegalStateException("keywords.txt: bad line '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : c.proxy.keySet()) {
            int space = name.indexOf(' ');
            if (space > 0 && !c.proxy.containsKey(name.substring(0, space))) {
                c.families.add(name.substring(0, space));
            }
        }
        return c;
    }

    /** Whether HAProxy knows {@code keyword} in the global section (any version). */
    public boolean isGlobal(String keyword) {
        return global.containsKey(keyword) || keyword.startsWith("tune.") || keyword.startsWith("ssl-default-")
                || keyword.equals("master-worker") || keyword.equals("thread-groups") || keyword.equals("thread-group")
                || keyword.equals("stats") || keyword.equals("setenv") || keyword.equals("presetenv")
                || keyword.equals("unsetenv") || keyword.equals("resetenv");
    }

    /**
     * The proxy keyword a line starts with: the longest known name among its first three
     * words ({@code capture request header}, {@code option httpchk}, {@code server}); null
     * when HAProxy knows no such keyword.
     */
    public ProxyKeyword proxyKeyword(CfgLine line) {
        for (int n = Math.min(3, line.size()); n >= 1; n--) {
            ProxyKeyword k = proxy.get(String.join(" ", line.words().subList(0, n)));
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    /** {@code option}, {@code timeout}, {@code stats}…: a first word that needs a known second one. */
    public boolean isFamily(String firstWord) {
        return families.contains(firstWord);
    }

    /** Whether {@code keyword} belongs in a section the importer checks by a short list. */
    public boolean knownIn(SectionKind kind, String keyword) {
        Set<String> known = OTHER.get(kind);
        return known == null || known.contains(keyword);
    }

    /** Words a bind option takes after its name; -1 when HAProxy knows no such option. */
    public int bindOptionArity(String option) {
        Integer a = bindOptions.get(option);
        return a == null ? -1 : a;
    }

    /**
     * Words a server or default-server option takes after its name: 0 or 1, {@link #SPECIAL}
     * for {@code source} (which takes {@code usesrc}/{@code interface} after its address),
     * -1 when HAProxy knows no such option. {@code no-X} of a flag {@code X} takes none.
     */
    public int serverOptionArity(String option) {
        Integer a = serverOptions.get(option);
        if (a != null) {
            return a;
        }
        if (option.startsWith("set-proxy-v2-tlv-fmt(")) {
            return 1;
        }
        if (option.startsWith("no-") && serverOptions.get(option.substring(3)) != null) {
            return 0;
        }
        return -1;
    }

    public static final int SPECIAL = -2;
}
