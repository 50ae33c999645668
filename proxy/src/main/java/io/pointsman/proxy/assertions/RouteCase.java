package io.pointsman.proxy.assertions;

import java.util.List;
import java.util.Map;

/**
 * One case of a {@code tests/*.yaml} file.
 *
 * @param file          the file it came from, e.g. {@code tests/routes.yaml}
 * @param line          its line in that file
 * @param index         its position in the file's list
 * @param tls           the client connection is TLS ({@code ssl_fc})
 * @param expectBackend the backend it must reach; null when not stated
 * @param expectReject  {@code expect: reject}: no backend (503 / close)
 * @param expectStatus  the status the client must get; null when not stated
 * @param expectLocation the Location the client must get; null when not stated
 * @param expectRequestHeaders  header → value the server must receive (after rules; "" = absent)
 * @param expectResponseHeaders header → value the client must get on a plain 200 from the server ("" = absent)
 */
public record RouteCase(
        String file,
        int line,
        int index,
        String frontend,
        String src,
        Integer dstPort,
        String sni,
        String host,
        String path,
        String method,
        Map<String, List<String>> headers,
        boolean tls,
        String expectBackend,
        boolean expectReject,
        Integer expectStatus,
        String expectLocation,
        Map<String, String> expectRequestHeaders,
        Map<String, String> expectResponseHeaders) {

    /** A routing-only case (the form of SPEC §5.10). */
    public RouteCase(String file, int line, int index, String frontend, String src, Integer dstPort, String sni,
                     String host, String path, String method, Map<String, List<String>> headers, String expectBackend,
                     boolean expectReject) {
        this(file, line, index, frontend, src, dstPort, sni, host, path, method, headers, false, expectBackend,
                expectReject, null, null, Map.of(), Map.of());
    }

    /** Whether the case states more than routing: it needs the rules run. */
    public boolean checksRules() {
        return expectStatus != null || expectLocation != null || !expectRequestHeaders.isEmpty()
                || !expectResponseHeaders.isEmpty();
    }

    /** How the case is named in messages: {@code frontend 'x' src 1.2.3.4 path '/a'}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("frontend '").append(frontend).append('\'');
        if (src != null) {
            sb.append(" src ").append(src);
        }
        if (tls) {
            sb.append(" tls");
        }
        if (dstPort != null) {
            sb.append(" dst_port ").append(dstPort);
        }
        if (sni != null) {
            sb.append(" sni '").append(sni).append('\'');
        }
        if (method != null) {
            sb.append(" method ").append(method);
        }
        if (host != null) {
            sb.append(" host '").append(host).append('\'');
        }
        if (path != null) {
            sb.append(" path '").append(path).append('\'');
        }
        if (!headers.isEmpty()) {
            sb.append(" headers ").append(headers);
        }
        return sb.toString();
    }
}
