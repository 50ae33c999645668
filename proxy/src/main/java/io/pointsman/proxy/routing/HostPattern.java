package io.pointsman.proxy.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Host names for the {@code host} and {@code sni} matchers: exact names compared
 * case-insensitively, and wildcards {@code *.example.com}.
 *
 * <p>A wildcard matches a name with one <em>or more</em> labels before the suffix:
 * {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}, but not
 * {@code example.com} itself (list it too if you want it). That is what HAProxy users get
 * from the idiom it replaces, {@code hdr_end(host) -i .example.com}; it is broader than a
 * TLS wildcard certificate, which covers one label only.
 *
 * <p>A trailing {@code :port} on the looked-up name is ignored (callers should already
 * have stripped it), as is one trailing dot ({@code example.com.} is {@code example.com}).
 */
final class HostPattern {
    /** Past this many wildcards, look suffixes up in a set instead of comparing each. */
    private static final int LINEAR_WILDCARDS = 8;

    private final Set<String> exact = new HashSet<>();
    /** Wildcard suffixes with their leading dot, lower case: {@code .example.com}. */
    private final String[] suffixes;
    private final Set<String> suffixSet = new HashSet<>();

    HostPattern(List<String> patterns) {
        List<String> wild = new ArrayList<>();
        for (String p : patterns) {
            String name = normalize(p.trim());
            if (name.startsWith("*.")) {
                wild.add(name.substring(1));
            } else {
                exact.add(name);
            }
        }
        suffixes = wild.toArray(new String[0]);
        suffixSet.addAll(wild);
    }

    /** No wildcard: the names are a plain set, so {@link RuleIndex} can look them up in one map. */
    boolean exactOnly() {
        return suffixes.length == 0;
    }

    /** The exact names, normalized as {@link #lookupKey} normalizes what is looked up. */
    Set<String> exactNames() {
        return exact;
    }

    /** What an exact name is compared as: port and trailing dot dropped, lower case; null for none. */
    static String lookupKey(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        return normalize(stripPort(name));
    }

    boolean matches(String name) {
        String n = lookupKey(name);
        if (n == null) {
            return false;
        }
        if (exact.contains(n)) {
            return true;
        }
        if (suffixes.length == 0) {
            return false;
        }
        if (suffixes.length <= LINEAR_WILDCARDS) {
            for (String s : suffixes) {
                // Strictly longer: ".example.com" alone is not a subdomain.
                if (n.length() > s.length() && n.endsWith(s)) {
                    return true;
                }
            }
            return false;
        }
        for (int dot = n.indexOf('.', 1); dot > 0; dot = n.indexOf('.', dot + 1)) {
            if (suffixSet.contains(n.substring(dot))) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT); // returns the same string when already lower case
        if (n.length() > 1 && n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    /** {@code host:8080} → {@code host}, {@code [::1]:8080} → {@code [::1]}; a bare IPv6 literal is left alone. */
    static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0) {
            return host;
        }
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            return close > 0 && close < colon ? host.substring(0, close + 1) : host;
        }
        if (host.indexOf(':') != colon) {
            return host; // several colons, no brackets: an IPv6 literal without port
        }
        for (int i = colon + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return host;
            }
        }
        return host.substring(0, colon);
    }
}
