package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Frontend;

/**
 * The compiled, immutable routing table of one frontend.
 * PLACEHOLDER: only default_backend; the routing work replaces this body.
 */
public final class FrontendRouter {
    private final String defaultBackend;

    private FrontendRouter(String defaultBackend) {
        this.defaultBackend = defaultBackend;
    }

    /** Compiles a validated, normalized frontend. */
    public static FrontendRouter compile(Frontend frontend) {
        return new FrontendRouter(frontend.defaultBackend());
    }

    /** The backend for these facts, or null: 503 (http) or close (tcp). */
    public String route(RequestFacts facts) {
        return defaultBackend;
    }

    /** Whether some rule reads the SNI, so a tcp frontend must read the ClientHello before routing. */
    public boolean usesSni() {
        return false;
    }
}
