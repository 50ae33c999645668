package io.pointsman.proxy.config;

import java.util.List;

/**
 * {@code forwardfor: true} or {@code forwardfor: {except, header, if_none}} (HAProxy
 * {@code option forwardfor [except <net>] [header <name>] [if-none]}): the client's
 * address goes to servers in X-Forwarded-For (or {@code header}), with
 * X-Forwarded-Proto. {@code forwardfor: false} is the same as leaving it out.
 *
 * @param except  clients in these networks get no header added (a local relay)
 * @param header  the header to use instead of X-Forwarded-For
 * @param ifNone  add it only when the request has none (the client's own is kept)
 */
@ScalarOrMap
public record ForwardFor(List<Cidr> except, String header, Boolean ifNone) {
    public static final String DEFAULT_HEADER = "X-Forwarded-For";

    public ForwardFor {
        except = Lists.of(except);
    }

    /** {@code true}: the defaults; {@code false}: null (no header added). */
    public static ForwardFor parse(Boolean on) {
        return on ? new ForwardFor(null, null, null) : null;
    }

    /** The header name, {@link #DEFAULT_HEADER} unless set. */
    public String headerOrDefault() {
        return header == null ? DEFAULT_HEADER : header;
    }
}
