package io.pointsman.proxy.config;

import java.util.List;

/**
 * Headers a frontend writes into its log lines (HAProxy {@code capture request header}
 * and {@code capture response header}), each cut to {@code len} characters, shown by
 * httplog as {@code {…}} blocks before the request line.
 */
public record Capture(List<Header> requestHeaders, List<Header> responseHeaders) {

    public Capture {
        requestHeaders = Lists.of(requestHeaders);
        responseHeaders = Lists.of(responseHeaders);
    }

    /** One captured header: its name and how many characters of its first value are kept. */
    public record Header(String name, Integer len) {
    }
}
