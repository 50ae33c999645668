package io.pointsman.proxy.rules;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.http.HttpLimits;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.RequestRefusedException;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.http.wire.ResponseHeadParser;
import io.pointsman.proxy.limits.LimitRegistry;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.routing.RequestFacts;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a request gets from a config, without sockets: the same routers, rules and head
 * writers the proxy uses, run on a request head and a plain server response. For route
 * assertions (SPEC §5.10, §8: {@code expect_status}, {@code expect_location},
 * {@code expect_request_headers}, {@code expect_response_headers}) and tests. Limits start
 * empty; error files are not read (their statuses are the pages'). Blocks on a password
 * check, so never on an event loop.
 */
public final class Simulator {
    /** The server response the rules act on when a case gives none. */
    public static final String PLAIN_200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final Map<String, Frontend> frontends = new LinkedHashMap<>();
    private final Map<String, FrontendRouter> routers = new HashMap<>();
    private final Map<String, SectionRules> frontendRules = new HashMap<>();
    private final Map<String, SectionRules> backendRules = new HashMap<>();

    /** @param config a validated, normalized config */
    public Simulator(ProxyConfig config, PasswordVerifier verifier) {
        LimitRegistry.Prepared limits = new LimitRegistry().prepare(config);
        Userlists users = Userlists.compile(config.userlists(), verifier);
        for (Frontend f : config.allFrontends()) {
            frontends.put(f.name(), f);
            FrontendRouter router = FrontendRouter.compile(f, limits.of(f.name()));
            routers.put(f.name(), router);
            frontendRules.put(f.name(), SectionRules.frontend(f, router, users, ErrorPages.DEFAULT));
        }
        for (Backend b : config.allBackends()) {
            backendRules.put(b.name(), SectionRules.backend(b, users, ErrorPages.DEFAULT));
        }
    }

    /**
     * What happened to one request.
     *
     * @param backend        the backend chosen; null when none (503, or an answer before routing)
     * @param answer         the proxy's own answer (redirect, deny, return, 401, 400, 503…); null when a server answered
     * @param serverRequest  the head as the server receives it; null when none went
     * @param clientResponse the response head as the client receives it (an answer's, or the server's after rules)
     */
    public record Outcome(String backend, Answer answer, String serverRequest, String clientResponse) {
        /** The status the client gets. */
        public int status() {
            if (answer != null) {
                return answer.status();
            }
            return Integer.parseInt(clientResponse.substring(9, 12));
        }

        /** Header values of the head the server gets (empty when none went). */
        public List<String> serverHeader(String name) {
            return serverRequest == null ? List.of() : headerValues(serverRequest, name);
        }

        /** Header values of the response the client gets. */
        public List<String> clientHeader(String name) {
            return headerValues(clientResponse, name);
        }
    }

    /** Runs a tcp-mode frontend's routing: the backend, or null (closed / rejected by {@code tcp_request}). */
    public String tcp(String frontend, RequestFacts connection) {
        if (frontendRules.get(frontend).tcp().rejects(connection)) {
            return null;
        }
        return routers.get(frontend).route(connection);
    }

    public Frontend frontend(String name) {
        return frontends.get(name);
    }

    /**
     * Runs an http-mode request.
     *
     * @param connection     connection facts (source, ports, TLS)
     * @param requestHead    the request head as the client sends it, blank line included
     * @param serverResponse the server's response head ({@link #PLAIN_200} when null)
     */
    public Outcome http(String frontend, RequestFacts connection, String requestHead, String serverResponse) {
        Frontend f = frontends.get(frontend);
        SectionRules fr = frontendRules.get(frontend);
        RequestHead head;
        ByteBuf in = Unpooled.copiedBuffer(requestHead, StandardCharsets.ISO_8859_1);
        try {
            head = new RequestHeadParser(HttpLimits.DEFAULT).parse(in);
        } catch (RequestRefusedException e) {
            return answered(null, fr.pages().page(400));
        } finally {
            in.release();
        }
        if (head == null) {
            throw new IllegalArgumentException("incomplete request head");
        }
        RuleContext cx = new RuleContext().begin(connection, head, frontend, fr.pages());
        Verdict v = settle(fr.request().evaluate(cx));
        if (v.kind() == Verdict.Kind.ANSWER) {
            return answered(null, v.answer());
        }
        String backend = routers.get(frontend).route(cx);
        if (backend == null) {
            return answered(null, cx.page(503));
        }
        SectionRules br = backendRules.get(backend);
        cx.chooseBackend(backend, br.pages());
        v = settle(br.request().evaluate(cx));
        if (v.kind() == Verdict.Kind.ANSWER) {
            return answered(backend, v.answer());
        }
        Forwarding ff = Forwarding.of(f.forwardedFor());
        ByteBuf out = Unpooled.buffer();
        String toServer;
        try {
            head.writeForServer(out, cx.requestEdits(), ff.forwardedFor(connection.source()), ff.header(), ff.ifNone(),
                    connection.tls() != null ? "https" : "http", "localhost:" + connection.destinationPort());
            toServer = out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }

        ByteBuf res = Unpooled.copiedBuffer(serverResponse == null ? PLAIN_200 : serverResponse,
                StandardCharsets.ISO_8859_1);
        try {
            ResponseHead rh = new ResponseHeadParser(64 * 1024).parse(res);
            cx.beginResponse(rh, "server");
            v = br.response().evaluate(cx);
            if (v.kind() == Verdict.Kind.CONTINUE) {
                v = fr.response().evaluate(cx);
            }
            if (v.kind() == Verdict.Kind.ANSWER) {
                return new Outcome(backend, v.answer(), toServer, v.answer().toWire(false));
            }
            ByteBuf client = Unpooled.buffer();
            try {
                rh.writeForClient(client, ResponseHead.ConnectionHeader.NONE, false, cx.responseEdits());
                return new Outcome(backend, null, toServer, client.toString(StandardCharsets.ISO_8859_1));
            } finally {
                client.release();
            }
        } finally {
            res.release();
            cx.end();
        }
    }

    private static Outcome answered(String backend, Answer a) {
        return new Outcome(backend, a, null, a.toWire(false));
    }

    /** Waits out pending password checks (off the event loop). */
    private static Verdict settle(Verdict v) {
        while (v.kind() == Verdict.Kind.PENDING) {
            try {
                v.future().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("password check did not finish", e);
            }
            v = v.resume();
        }
        return v;
    }

    /** Values of a header in a head written as text (name case-insensitive). */
    static List<String> headerValues(String head, String name) {
        List<String> out = new java.util.ArrayList<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).equalsIgnoreCase(name)) {
                out.add(lines[i].substring(colon + 1).trim());
            }
        }
        return out;
    }

}
