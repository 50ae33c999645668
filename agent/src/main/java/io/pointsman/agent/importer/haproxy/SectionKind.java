package io.pointsman.agent.importer.haproxy;

import java.util.Locale;

/** The section keywords of haproxy.cfg, 1.4 to 3.x. */
public enum SectionKind {
    GLOBAL, DEFAULTS, FRONTEND, BACKEND, LISTEN, USERLIST, PEERS, RESOLVERS, MAILERS, HTTP_ERRORS, RING, CACHE,
    PROGRAM, FCGI_APP, LOG_FORWARD, CRT_STORE, TRACES, ACME, LOG_PROFILE, NAMESPACE_LIST, HEALTHCHECK;

    /** The keyword that opens the section, e.g. {@code http-errors}. */
    public String keyword() {
        return switch (this) {
            case NAMESPACE_LIST -> "namespace_list";
            default -> name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }

    /** The section a keyword opens, or null when it opens none. */
    public static SectionKind of(String keyword) {
        for (SectionKind k : values()) {
            if (k.keyword().equals(keyword)) {
                return k;
            }
        }
        return null;
    }

    /** frontend, backend, listen: the sections that carry traffic. */
    public boolean isProxy() {
        return this == FRONTEND || this == BACKEND || this == LISTEN;
    }

    /** Whether the section takes proxy keywords (a defaults section or a proxy). */
    public boolean takesProxyKeywords() {
        return isProxy() || this == DEFAULTS;
    }

    public boolean hasFrontend() {
        return this == FRONTEND || this == LISTEN;
    }

    public boolean hasBackend() {
        return this == BACKEND || this == LISTEN;
    }
}
