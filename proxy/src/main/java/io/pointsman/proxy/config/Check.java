package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Active health check of a backend's servers (HAProxy {@code option httpchk},
 * {@code http-check}, {@code tcp-check}, the protocol checks, and the server's
 * {@code check port}, {@code inter}, {@code fastinter}, {@code downinter}, {@code rise},
 * {@code fall}).
 *
 * @param type          what is checked (tcp, http, ssl_hello, redis, smtp, mysql, pgsql, script)
 * @param path          request path of an http check
 * @param expectStatus  status codes that count as healthy for an http check
 * @param interval      time between two checks of a server that is UP (or DOWN, without down_interval)
 * @param rise          consecutive successes to go UP
 * @param fall          consecutive failures to go DOWN
 * @param method        http method (default GET); for smtp, HELO (default) or EHLO
 * @param host          http Host header (default: the server's address); for smtp, the name after HELO
 * @param headers       more http request headers
 * @param version       {@code HTTP/1.1} (default) or {@code HTTP/1.0}
 * @param expectBody    the http response body must contain this text
 * @param expectBodyReg the http response body must match this regular expression (found anywhere)
 * @param port          check this port instead of the server's (HAProxy {@code check port})
 * @param fastInterval  between checks while a server is going up or down (HAProxy {@code fastinter})
 * @param downInterval  between checks while a server is DOWN (HAProxy {@code downinter})
 * @param disableOn404  a 404 from an http check puts the server in NOLB: UP, no new requests
 * @param script        steps of a {@code script} check
 * @param user          user name of a mysql or pgsql check
 * @param tls           {@code false}: check in plaintext though the backend speaks TLS to its servers
 */
public record Check(
        CheckType type,
        String path,
        StatusRange expectStatus,
        Duration interval,
        Integer rise,
        Integer fall,
        String method,
        String host,
        Map<String, String> headers,
        String version,
        String expectBody,
        String expectBodyReg,
        Integer port,
        Duration fastInterval,
        Duration downInterval,
        @YamlName("disable_on_404") Boolean disableOn404,
        List<CheckStep> script,
        String user,
        Boolean tls) {

    /**
     * What an absent setting means. The newer settings stay null here and mean their
     * default where they are used (GET, HTTP/1.1, no headers, no body check, the server's
     * port, {@code interval} for the fast and down intervals, no NOLB, no script).
     */
    public static final Check BUILT_IN = new Check(CheckType.TCP, "/", StatusRange.parse("200-399"),
            Duration.ofSeconds(2), 2, 3);

    public Check {
        headers = headers == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        script = script == null ? null : List.copyOf(script);
    }

    /** Without {@code tls} (checks speak TLS where the servers do). */
    public Check(CheckType type, String path, StatusRange expectStatus, Duration interval, Integer rise, Integer fall,
                 String method, String host, Map<String, String> headers, String version, String expectBody,
                 String expectBodyReg, Integer port, Duration fastInterval, Duration downInterval, Boolean disableOn404,
                 List<CheckStep> script, String user) {
        this(type, path, expectStatus, interval, rise, fall, method, host, headers, version, expectBody, expectBodyReg,
                port, fastInterval, downInterval, disableOn404, script, user, null);
    }

    public Check(CheckType type, String path, StatusRange expectStatus, Duration interval, Integer rise, Integer fall) {
        this(type, path, expectStatus, interval, rise, fall, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    public Check orElse(Check fallback) {
        if (fallback == null) {
            return this;
        }
        return new Check(
                type != null ? type : fallback.type,
                path != null ? path : fallback.path,
                expectStatus != null ? expectStatus : fallback.expectStatus,
                interval != null ? interval : fallback.interval,
                rise != null ? rise : fallback.rise,
                fall != null ? fall : fallback.fall,
                method != null ? method : fallback.method,
                host != null ? host : fallback.host,
                headers != null ? headers : fallback.headers,
                version != null ? version : fallback.version,
                expectBody != null ? expectBody : fallback.expectBody,
                expectBodyReg != null ? expectBodyReg : fallback.expectBodyReg,
                port != null ? port : fallback.port,
                fastInterval != null ? fastInterval : fallback.fastInterval,
                downInterval != null ? downInterval : fallback.downInterval,
                disableOn404 != null ? disableOn404 : fallback.disableOn404,
                script != null ? script : fallback.script,
                user != null ? user : fallback.user,
                tls != null ? tls : fallback.tls);
    }

    /** Between checks for a server that is fully UP, changing, or fully DOWN. */
    public Duration intervalFor(boolean up, boolean changing) {
        if (changing) {
            return fastInterval != null ? fastInterval : interval;
        }
        return !up && downInterval != null ? downInterval : interval;
    }
}
