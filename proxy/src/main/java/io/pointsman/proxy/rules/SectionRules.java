package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.routing.AclSet;
import io.pointsman.proxy.routing.FrontendRouter;

/**
 * Everything rule-shaped of one frontend (listens included) or backend, compiled for a
 * generation: what the connection handler calls.
 *
 * @param request  {@code http_request} rules: a frontend's run before {@code use_backend},
 *                 a backend's once it is chosen
 * @param response {@code http_response} rules: a backend's run first, then the frontend's
 * @param tcp      {@code tcp_request} rules (tcp frontends)
 * @param pages    the section's error pages ({@code errorfiles})
 */
public record SectionRules(Rules request, Rules response, TcpRules tcp, ErrorPages pages) {
    public static final SectionRules NONE = new SectionRules(Rules.NONE, Rules.NONE, TcpRules.NONE, ErrorPages.DEFAULT);

    /**
     * A frontend's rules over the acls its router compiled (so its {@code over_limit}
     * acls read the limits the router was given).
     *
     * @param pages the frontend's error pages, read with {@link ErrorPages#load} off the event loop
     */
    public static SectionRules frontend(Frontend f, FrontendRouter router, Userlists userlists, ErrorPages pages) {
        AclSet acls = router.acls();
        String owner = f.name();
        return new SectionRules(Rules.request(owner, f.httpRequest(), acls, userlists),
                Rules.response(owner, f.httpResponse(), acls), TcpRules.compile(f.tcpRequest(), acls), pages);
    }

    /** A backend's rules over its own acls. */
    public static SectionRules backend(Backend b, Userlists userlists, ErrorPages pages) {
        if (b.httpRequest().isEmpty() && b.httpResponse().isEmpty() && b.acl().isEmpty()) {
            return new SectionRules(Rules.NONE, Rules.NONE, TcpRules.NONE, pages);
        }
        AclSet acls = AclSet.compile("backend '" + b.name() + "'", b.acl(), FrontendLimits.NONE);
        return new SectionRules(Rules.request(b.name(), b.httpRequest(), acls, userlists),
                Rules.response(b.name(), b.httpResponse(), acls), TcpRules.NONE, pages);
    }

    /** No rules of any kind (error pages aside): the handler can skip the rule context. */
    public boolean isEmpty() {
        return request.isEmpty() && response.isEmpty() && tcp.isEmpty();
    }
}
