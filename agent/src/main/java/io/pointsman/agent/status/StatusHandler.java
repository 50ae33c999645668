package io.pointsman.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pointsman.agent.bgp.BgpStatus;
import io.pointsman.agent.servers.ServerChange;
import io.pointsman.agent.servers.ServerStateService;
import io.pointsman.agent.state.Json;
import io.pointsman.proxy.admin.UnknownServerException;
import io.pointsman.agent.sync.SyncControl;
import io.pointsman.agent.sync.SyncStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the status API. Cheap reads ({@code /status}, {@code /healthz}) answer on the
 * event loop; everything that may block runs on the worker pool and writes its response back
 * (Netty hands a write from another thread to the channel's event loop).
 */
final class StatusHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String YAML = "application/yaml; charset=utf-8";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(StatusHandler.class);
    private static final ObjectMapper MAPPER = Json.mapper();
    static final String SERVERS = "/servers";

    private final SyncControl sync;
    private final ServerStateService servers;
    private final BearerToken token;
    private final WebhookVerifier webhook;
    private final ExecutorService workers;

    StatusHandler(SyncControl sync, ServerStateService servers, BearerToken token, WebhookVerifier webhook,
            ExecutorService workers) {
        this.sync = sync;
        this.servers = servers;
        this.token = token;
        this.webhook = webhook;
        this.workers = workers;
    }

    /** A response to write: status, content type, body. */
    record Reply(HttpResponseStatus status, String contentType, String body) {
        static Reply text(HttpResponseStatus s, String body) {
            return new Reply(s, TEXT, body.endsWith("\n") ? body : body + "\n");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        HttpMethod method = req.method();
        boolean post = HttpMethod.POST.equals(method);
        boolean delete = HttpMethod.DELETE.equals(method);
        String allowed = allowedMethod(path);
        if (allowed == null) {
            write(ctx, Reply.text(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path), keepAlive);
            return;
        }
        if (!List.of(allowed.split(", ")).contains(method.name())) {
            FullHttpResponse r = response(Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " takes " + allowed));
            r.headers().set(HttpHeaderNames.ALLOW, allowed);
            send(ctx, r, keepAlive);
            return;
        }
        // Webhooks carry their own proof (HMAC or GitLab token): senders cannot add a bearer token.
        boolean needsToken = (post && !path.equals("/hooks/git")) || delete || path.equals("/config")
                || path.equals("/diff");
        if (needsToken && token != null && !token.accepts(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse r = response(Reply.text(HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token"));
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pointsman\"");
            send(ctx, r, keepAlive);
            return;
        }
        if (path.startsWith(SERVERS + "/") || path.equals(SERVERS)) {
            servers(ctx, req, uri, keepAlive);
            return;
        }
        switch (path) {
            case "/status" -> write(ctx, json(statusView()), keepAlive);
            case "/healthz" -> write(ctx, sync.applier().serving()
                    ? Reply.text(HttpResponseStatus.OK, "serving")
                    : Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not serving a good generation"), keepAlive);
            case "/metrics" -> offload(ctx, keepAlive, () -> new Reply(HttpResponseStatus.OK, PROMETHEUS, sync.metricsText()));
            case "/config" -> offload(ctx, keepAlive, () -> new Reply(HttpResponseStatus.OK, YAML, sync.applier().effectiveConfig()));
            case "/diff" -> diff(ctx, keepAlive, first(uri.parameters(), "revision"));
            case "/sync" -> {
                sync.requestSync("POST /sync");
                write(ctx, Reply.text(HttpResponseStatus.ACCEPTED, "sync requested"), keepAlive);
            }
            case "/hooks/git" -> hook(ctx, req, keepAlive);
            case "/suspend" -> {
                String reason = first(uri.parameters(), "reason");
                offload(ctx, keepAlive, () -> {
                    sync.suspend(reason);
                    return json(sync.status());
                });
            }
            case "/resume" -> offload(ctx, keepAlive, () -> {
                sync.resume();
                return json(sync.status());
            });
            default -> write(ctx, Reply.text(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path), keepAlive);
        }
    }

    /**
     * {@code GET /status}: the sync's status; the runtime overrides in force and dropped (the
     * drift from git); what the node announces over BGP when it has a bgp section.
     */
    private Object statusView() {
        SyncStatus status = sync.status();
        BgpStatus bgp = sync.applier().bgp();
        if (bgp == null && servers == null) {
            return status;
        }
        ObjectNode view = MAPPER.valueToTree(status);
        if (servers != null) {
            view.set("runtimeOverrides", MAPPER.valueToTree(servers.overrides()));
            view.set("runtimeOverridesDropped", MAPPER.valueToTree(servers.dropped()));
        }
        if (bgp != null) {
            view.set("bgp", MAPPER.valueToTree(bgp));
        }
        return view;
    }

    private String allowedMethod(String path) {
        if (servers != null && path.equals(SERVERS)) {
            return "GET";
        }
        if (servers != null && path.startsWith(SERVERS + "/")) {
            return "POST, DELETE";
        }
        return switch (path) {
            case "/status", "/healthz", "/metrics", "/config", "/diff" -> "GET";
            case "/sync", "/hooks/git", "/suspend", "/resume" -> "POST";
            default -> null;
        };
    }

    /**
     * {@code GET /servers}; {@code POST /servers/<backend>/<server>} with {@code state},
     * {@code weight}, {@code reason}, {@code ttl} in the query or a form body;
     * {@code DELETE /servers/<backend>/<server>}. Bad input is a 400 that says why, and
     * changes nothing.
     */
    private void servers(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, boolean keepAlive) {
        String path = uri.path();
        if (path.equals(SERVERS)) {
            offload(ctx, keepAlive, () -> {
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("servers", servers.servers());
                body.put("runtimeOverrides", servers.overrides());
                body.put("runtimeOverridesDropped", servers.dropped());
                return json(body);
            });
            return;
        }
        String[] parts = path.substring(SERVERS.length() + 1).split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "usage: /servers/<backend>/<server>"), keepAlive);
            return;
        }
        String backend = QueryStringDecoder.decodeComponent(parts[0]);
        String server = QueryStringDecoder.decodeComponent(parts[1]);
        boolean delete = HttpMethod.DELETE.equals(req.method());
        java.util.Map<String, List<String>> params = new java.util.LinkedHashMap<>(uri.parameters());
        String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (req.content().isReadable()) {
            if (!contentType.startsWith("application/x-www-form-urlencoded")) {
                write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST,
                        "send the parameters in the query or as application/x-www-form-urlencoded"), keepAlive);
                return;
            }
            new QueryStringDecoder("?" + req.content().toString(StandardCharsets.UTF_8)).parameters()
                    .forEach((k, v) -> params.merge(k, v, (a, b) -> {
                        List<String> all = new java.util.ArrayList<>(a);
                        all.addAll(b);
                        return all;
                    }));
        }
        ServerChange change;
        if (delete) {
            if (!params.isEmpty()) {
                write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "DELETE takes no parameters"), keepAlive);
                return;
            }
            change = null;
        } else {
            try {
                change = ServerChange.parse(params);
            } catch (IllegalArgumentException e) {
                write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage()), keepAlive);
                return;
            }
        }
        offload(ctx, keepAlive, () -> {
            try {
                if (change == null) {
                    servers.reset(backend, server, "status API");
                } else {
                    servers.change(backend, server, change, "status API");
                }
            } catch (UnknownServerException e) {
                return Reply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            }
            return json(servers.servers().stream().filter(v -> v.backend().equals(backend) && v.server().equals(server))
                    .findFirst().orElse(null));
        });
    }

    private void hook(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        if (webhook == null) {
            write(ctx, Reply.text(HttpResponseStatus.NOT_FOUND, "webhooks are off (no --webhook-secret-file)"), keepAlive);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        boolean ok = webhook.verify(body, req.headers().get(WebhookVerifier.GITHUB_HEADER),
                req.headers().get(WebhookVerifier.GITLAB_HEADER));
        if (!ok) {
            log.warn("webhook from {} refused: missing or bad signature", ctx.channel().remoteAddress());
            write(ctx, Reply.text(HttpResponseStatus.UNAUTHORIZED, "missing or bad webhook signature"), keepAlive);
            return;
        }
        sync.requestSync("webhook");
        write(ctx, Reply.text(HttpResponseStatus.ACCEPTED, "sync requested"), keepAlive);
    }

    private void diff(ChannelHandlerContext ctx, boolean keepAlive, String revision) {
        if (revision == null || revision.isBlank()) {
            write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "usage: GET /diff?revision=<main@sha1:HEX | commit | branch>"), keepAlive);
            return;
        }
        offload(ctx, keepAlive, () -> {
            try {
                return new Reply(HttpResponseStatus.OK, TEXT, sync.diff(revision));
            } catch (IllegalArgumentException e) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, e.getMessage());
            }
        });
    }

    /** Runs blocking work on a worker thread and writes its reply; 503 when the workers are saturated. */
    private void offload(ChannelHandlerContext ctx, boolean keepAlive, Callable<Reply> work) {
        try {
            workers.execute(() -> {
                Reply r;
                try {
                    r = work.call();
                } catch (Exception e) {
                    log.warn("status API request failed", e);
                    r = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed: " + e.getMessage());
                }
                write(ctx, r, keepAlive);
            });
        } catch (RejectedExecutionException e) {
            write(ctx, Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy, try again"), false);
        }
    }

    private static Reply json(Object value) {
        try {
            return new Reply(HttpResponseStatus.OK, JSON, MAPPER.writeValueAsString(value) + "\n");
        } catch (JsonProcessingException e) {
            return Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render JSON: " + e.getOriginalMessage());
        }
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static FullHttpResponse response(Reply r) {
        byte[] body = (r.body() == null ? "" : r.body()).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    private static void write(ChannelHandlerContext ctx, Reply r, boolean keepAlive) {
        send(ctx, response(r), keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("status API connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
