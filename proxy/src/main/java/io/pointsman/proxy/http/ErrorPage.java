package io.pointsman.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The small HTML pages the proxy answers with itself, worded like HAProxy's so that people
 * who know those recognise them. Every one carries {@code Connection: close}: after an
 * error the connection's framing can no longer be trusted.
 */
public enum ErrorPage {
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "400 Bad request", "Your browser sent an invalid request."),
    UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED, "401 Unauthorized",
            "You need a valid user and password to access this content."),
    NOT_FOUND(HttpResponseStatus.NOT_FOUND, "404 Not Found", "The resource could not be found."),
    REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "408 Request Time-out",
            "Your browser didn't send a complete request in time."),
    INTERNAL_ERROR(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error",
            "An internal server error occurred."),
    BAD_GATEWAY(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway",
            "The server returned an invalid or incomplete response."),
    SERVICE_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable",
            "No server is available to handle this request."),
    GATEWAY_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "504 Gateway Time-out",
            "The server didn't respond in time.");

    private final HttpResponseStatus status;
    private final byte[] body;

    ErrorPage(HttpResponseStatus status, String title, String text) {
        this.status = status;
        this.body = ("<html><body><h1>" + title + "</h1>\n" + text + "\n</body></html>\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A fresh response (HTTP/1.1, {@code Connection: close}) ready to be written once. */
    public FullHttpResponse response(ByteBufAllocator alloc) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(body.length).writeBytes(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
