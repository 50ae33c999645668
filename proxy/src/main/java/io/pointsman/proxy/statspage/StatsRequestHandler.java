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
 * a page always shows the moment it was asked for.
 */
final class StatsRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(StatsRequestHandler.class);

    private final Supplier<StatsPageSettings> settings;
    private final Supplier<StatsReport> reports;

    StatsRequestHandler(Supplier<StatsPageSettings> settings, Supplier<StatsReport> reports) {
        this.settings = settings;
        this.reports = reports;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, ErrorPage.BAD_REQUEST.response(ctx.alloc()), false);
            return;
        }
        StatsPageSettings s = settings.get();
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!head && !request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "only GET and HEAD\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
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
        StatsReport report = reports.get().withRefreshSeconds(s.refreshSeconds());
        FullHttpResponse response = switch (form) {
            case HTML -> text(ctx, HttpResponseStatus.OK, "text/html; charset=utf-8", HtmlStatsPage.render(report));
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
