package io.pointsman.proxy.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Sits right after {@link StrictRequestDecoder}: passes on only requests whose framing and
 * routing facts are unambiguous, answers anything else with 400 and closes. Rules beyond
 * the decoder's:
 * <ul>
 *   <li>every {@link HttpObject}'s decoder result is checked (bad chunk sizes show up on
 *       content, not on the head);</li>
 *   <li>Transfer-Encoding must be one header with exactly {@code chunked}, and only on
 *       HTTP/1.1;</li>
 *   <li>Content-Length must be plain digits;</li>
 *   <li>exactly one Host on HTTP/1.1 (at most one on 1.0), syntactically a host[:port];</li>
 *   <li>the target is origin-form ({@code /…}), {@code *} for OPTIONS, or absolute-form
 *       http(s); absolute-form is rewritten to origin-form with Host set from the
 *       authority (RFC 9112 §3.2.2), so routing and the server see the same host.</li>
 * </ul>
 * The head of a request with a body is held until its first body piece decodes, so a bad
 * first chunk means nothing was passed on; later body errors fire {@link RequestAbortedEvent}.
 * {@code Expect: 100-continue} heads are passed at once (the client waits for them).
 */
public final class RequestHygiene extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHygiene.class);
    /** reg-name characters of a Host (RFC 3986 unreserved + sub-delims + pct-encoded's %). */
    private static final boolean[] REG_NAME = new boolean[128];

    static {
        for (char c : "._~!$&'()*+,;=%-".toCharArray()) {
            REG_NAME[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            REG_NAME[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            REG_NAME[c] = true;
            REG_NAME[c + ('a' - 'A')] = true;
        }
    }

    private final boolean answerItself;
    private boolean refused;
    private boolean headPassed;
    private HttpRequest heldHead;

    /** Answers refused requests itself (400 + close): for pipelines with nothing after it that answers. */
    public RequestHygiene() {
        this(true);
    }

    /**
     * @param answerItself false when a handler after this one answers requests in order:
     *                     then a refused request is passed on as a {@link RejectedRequest}
     *                     marker (so the 400 follows the responses to earlier pipelined
     *                     requests) and a body error as a {@link RequestAbortedEvent}
     */
    public RequestHygiene(boolean answerItself) {
        this.answerItself = answerItself;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpObject object)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (object.decoderResult().isFailure()) {
            refuse(ctx, msg, describe(object.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpRequest request) {
            String problem = check(request);
            if (problem != null) {
                refuse(ctx, msg, problem);
                return;
            }
            headPassed = false;
            if (msg instanceof HttpContent || HttpUtil.is100ContinueExpected(request)) {
                passHead(ctx, request);
            } else {
                heldHead = request;
            }
            return;
        }
        if (heldHead != null) {
            passHead(ctx, heldHead);
        }
        if (msg instanceof LastHttpContent) {
            headPassed = false;
        }
        ctx.fireChannelRead(msg);
    }

    private void passHead(ChannelHandlerContext ctx, HttpRequest head) {
        heldHead = null;
        headPassed = !(head instanceof LastHttpContent);
        ctx.fireChannelRead(head);
    }

    /** Returns why the request head is refused, or null when it may pass. */
    static String check(HttpRequest request) {
        HttpHeaders headers = request.headers();
        HttpVersion version = request.protocolVersion();
        List<String> te = headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? headers.getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
        if (!te.isEmpty()) {
            if (version != HttpVersion.HTTP_1_1) {
                return "Transfer-Encoding on " + version;
            }
            if (te.size() != 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding other than exactly 'chunked': " + te;
            }
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
        }
        List<String> cl = headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                ? headers.getAll(HttpHeaderNames.CONTENT_LENGTH) : List.of();
        if (cl.size() > 1) {
            return "more than one Content-Length: " + cl;
        }
        if (cl.size() == 1 && !isDigits(cl.get(0))) {
            return "Content-Length is not a number: '" + cl.get(0) + "'";
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.isEmpty() && version == HttpVersion.HTTP_1_1) {
            return "no Host header on HTTP/1.1";
        }
        if (!hosts.isEmpty() && !isHost(hosts.get(0))) {
            return "malformed Host: '" + hosts.get(0) + "'";
        }
        return checkTarget(request);
    }

    private static String checkTarget(HttpRequest request) {
        String uri = request.uri();
        if (uri.startsWith("/")) {
            return null;
        }
        if (uri.equals("*")) {
            return request.method().equals(HttpMethod.OPTIONS) ? null : "'*' target on " + request.method();
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return "unsupported request target: '" + uri + "'";
        }
        int pathStart = uri.indexOf('/', schemeEnd);
        int queryStart = uri.indexOf('?', schemeEnd);
        int authorityEnd = pathStart < 0 ? (queryStart < 0 ? uri.length() : queryStart)
                : queryStart < 0 ? pathStart : Math.min(pathStart, queryStart);
        String authority = uri.substring(schemeEnd, authorityEnd);
        if (authority.contains("@") || !isHost(authority)) {
            return "malformed authority in absolute-form target: '" + uri + "'";
        }
        String rest = uri.substring(authorityEnd);
        request.setUri(rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest);
        // RFC 9112 §3.2.2: the target's authority replaces any Host header.
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    /** 1 to 18 ASCII digits (fits a long). */
    static boolean isDigits(String s) {
        int n = s.length();
        if (n < 1 || n > 18) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code host[:port]}: an IP-literal in brackets ({@code [0-9A-Fa-f:.]+}) or a reg-name,
     * then optionally a colon and at most five digits. Written out rather than a regex: it
     * runs for every request.
     */
    static boolean isHost(String s) {
        int n = s.length();
        int i = 0;
        if (n > 0 && s.charAt(0) == '[') {
            i = 1;
            while (i < n && isHexColonDot(s.charAt(i))) {
                i++;
            }
            if (i == 1 || i >= n || s.charAt(i) != ']') {
                return false;
            }
            i++;
        } else {
            while (i < n && s.charAt(i) < 128 && REG_NAME[s.charAt(i)]) {
                i++;
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (s.charAt(i) != ':' || n - i - 1 > 5) {
            return false;
        }
        for (int j = i + 1; j < n; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexColonDot(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, String reason) {
        refused = true;
        ReferenceCountUtil.release(msg);
        if (heldHead != null) {
            ReferenceCountUtil.release(heldHead);
            heldHead = null;
        }
        ctx.channel().config().setAutoRead(false);
        if (!answerItself) {
            if (headPassed) {
                ctx.fireUserEventTriggered(new RequestAbortedEvent(reason));
            } else {
                ctx.fireChannelRead(new RejectedRequest(reason));
            }
            return;
        }
        if (headPassed) {
            ctx.fireUserEventTriggered(new RequestAbortedEvent(reason));
        }
        LOG.debug("400 to {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.writeAndFlush(ErrorPage.BAD_REQUEST.response(ctx.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof IllegalArgumentException && cause.getCause() instanceof BadRequestException b) {
            return b.getMessage();
        }
        return cause == null ? "undecodable request" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (heldHead != null) {
            ctx.read(); // the held head waits for its first body piece; reads are not automatic
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (heldHead != null) {
            ReferenceCountUtil.release(heldHead);
            heldHead = null;
        }
        super.channelInactive(ctx);
    }

    /** True once a request was refused; nothing more is read or passed on. */
    public boolean refused() {
        return refused;
    }
}
