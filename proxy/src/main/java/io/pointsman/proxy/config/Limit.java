package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * A per-client limit of a frontend (the stick-table subset real configs use):
 * {@code {name: per-ip, key: src, requests: 100, per: 10s}} (HAProxy
 * {@code sc_http_req_rate}) or {@code {name: conns-per-ip, key: src, concurrent: 50}}
 * ({@code sc_conn_cur}). An {@code over_limit} acl holds while a client is over it.
 *
 * @param key        what a client is: {@code src} (its address)
 * @param requests   requests allowed per {@code per} (sliding window)
 * @param per        the window of {@code requests}
 * @param concurrent connections open at once
 * @param size       clients tracked at most; past it the least recently seen is forgotten
 */
public record Limit(String name, Key key, Integer requests, Duration per, Integer concurrent, Integer size) {

    /** What a client is, for counting. */
    public enum Key { SRC }

    /** Default {@code size}: clients tracked per limit. */
    public static final int DEFAULT_SIZE = 100_000;

    /** {@code size}, or the default. */
    public int sizeOrDefault() {
        return size == null ? DEFAULT_SIZE : size;
    }
}
