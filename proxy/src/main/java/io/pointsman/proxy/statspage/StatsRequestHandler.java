package io.pointsman.proxy.statspage;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
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
import io.pointsman.proxy.http.ErrorPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Answers one stats request: {@code uri} (HTML), {@code uri;csv}, {@code uri;json} and
 * {@code /metrics}, all behind the same basic auth. The report is taken per request, so
 * a page always shows the moment it was asked for. With {@code stats.admin}, a POST to
 * {@code uri} from an authenticated user carrying the page's anti-CSRF token sets the
 * checked servers ready, drain or maint (never a GET: a link or an image cannot act).
 */
final class StatsRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(StatsRequestHandler.class);

    private final Supplier<StatsPageSettings> settings;
    private final Supplier<StatsReport> reports;
    private final AdminEndpoint admin;

    /** The admin side of the page: what to do, the token that must come back, where the work runs. */
    record AdminEndpoint(StatsAdminActions actions, String token, java.util.concurrent.Executor worker) {
    }

    StatsRequestHandler(Supplier<StatsPageSettings> settings, Supplier<StatsReport> reports, AdminEndpoint admin) {
        this.settings = settings;
        this.reports = reports;
        this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, ErrorPage.BAD_REQUEST.response(ctx.alloc()), false);
            return;
        }
        StatsPageSettings s = settings.get();
        boolean head = request.method().equals(HttpMethod.HEAD);
        boolean adminOn = s.admin() && admin != null;
        boolean post = request.method().equals(HttpMethod.POST);
        if (!head && !request.method().equals(HttpMethod.GET) && !(post && adminOn)) {
            String allowed = adminOn ? "GET, HEAD, POST" : "GET, HEAD";
            FullHttpResponse response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "only " + allowed + "\n");
            response.headers().set(HttpHeaderNames.ALLOW, allowed);
            send(ctx, request, response, HttpUtil.isKeepAlive(request));
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Form form = Form.of(path, s.uri());
        if (form == null) {
            send(ctx, request, ErrorPage.NOT_FOUND.response(ctx.alloc()), false);
            return;
        }
        if (s.auth() != null && !s.auth().permits(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse response = ErrorPage.UNAUTHORIZED.response(ctx.alloc());
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, BasicAuth.CHALLENGE);
            send(ctx, request, response, false);
            return;
        }
        if (post) {
            adminAction(ctx, request, s, form);
            return;
        }
        StatsReport report = reports.get().withRefreshSeconds(s.refreshSeconds());
        HtmlStatsPage.AdminForm adminForm = adminOn && s.auth() != null ? new HtmlStatsPage.AdminForm(s.uri(), admin.token())
                : null;
        FullHttpResponse response = switch (form) {
            case HTML -> text(ctx, HttpResponseStatus.OK, "text/html; charset=utf-8", HtmlStatsPage.render(report, adminForm));
            case CSV -> text(ctx, HttpResponseStatus.OK, "text/plain; charset=utf-8", CsvStats.render(report));
            case JSON -> text(ctx, HttpResponseStatus.OK, "application/json", JsonStats.render(report));
            case METRICS -> text(ctx, HttpResponseStatus.OK, PrometheusStats.CONTENT_TYPE,
                    PrometheusStats.render(report));
        };
        if (head) {
            response.content().clear();
        }
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    /**
     * A POSTed admin form: {@code b} (backend), {@code s} (servers, repeated), {@code action}
     * (ready, drain, maint), {@code reason}, {@code token}. Done on the worker; 303 back to
     * the page when every server was set, else 400 with why.
     */
    private void adminAction(ChannelHandlerContext ctx, FullHttpRequest request, StatsPageSettings s, Form form) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (form != Form.HTML || s.auth() == null) {
            send(ctx, request, text(ctx, HttpResponseStatus.FORBIDDEN, "text/plain", "admin actions are off\n"), false);
            return;
        }
        java.util.Map<String, java.util.List<String>> fields = new io.netty.handler.codec.http.QueryStringDecoder(
                "?" + request.content().toString(StandardCharsets.UTF_8)).parameters();
        String token = first(fields, "token");
        if (token == null || !java.security.MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                admin.token().getBytes(StandardCharsets.UTF_8))) {
            send(ctx, request, text(ctx, HttpResponseStatus.FORBIDDEN, "text/plain",
                    "missing or stale form token: reload the stats page and try again\n"), false);
            return;
        }
        String backend = first(fields, "b");
        java.util.List<String> servers = fields.getOrDefault("s", java.util.List.of());
        String action = first(fields, "action");
        String reason = first(fields, "reason");
        io.pointsman.proxy.admin.AdminState state;
        try {
            state = io.pointsman.proxy.admin.AdminState.parse(action);
        } catch (IllegalArgumentException e) {
            send(ctx, request, text(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", e.getMessage() + "\n"), keepAlive);
            return;
        }
        if (backend == null || servers.isEmpty()) {
            send(ctx, request, text(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain",
                    "check at least one server of a backend\n"), keepAlive);
            return;
        }
        String uri = s.uri();
        try {
            admin.worker().execute(() -> {
                String problem;
                try {
                    problem = admin.actions().apply(backend, servers, state, reason == null ? "" : reason);
                } catch (RuntimeException e) {
                    LOG.warn("stats admin action failed", e);
                    problem = "failed: " + e.getMessage();
                }
                FullHttpResponse response;
                if (problem == null) {
                    response = text(ctx, HttpResponseStatus.SEE_OTHER, "text/plain", "done\n");
                    response.headers().set(HttpHeaderNames.LOCATION, uri);
                } else {
                    response = text(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", problem + "\n");
                }
                send(ctx, request, response, keepAlive);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            send(ctx, request, text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "closing\n"), false);
        }
    }

    private static String first(java.util.Map<String, java.util.List<String>> fields, String name) {
        java.util.List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private enum Form {
        HTML, CSV, JSON, METRICS;

        static Form of(String path, String uri) {
            if (path.equals(StatsPageSettings.METRICS_PATH)) {
                return METRICS;
            }
            if (path.equals(uri)) {
                return HTML;
            }
            if (path.equals(uri + ";csv")) {
                return CSV;
            }
            if (path.equals(uri + ";json")) {
                return JSON;
            }
            return null;
        }
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                             boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("stats connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
