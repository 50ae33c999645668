package io.pointsman.proxy.assertions;

import java.util.List;
import java.util.Map;

/**
 * One case of a {@code tests/*.yaml} file.
 *
 * @param file          the file it came from, e.g. {@code tests/routes.yaml}
 * @param line          its line in that file
 * @param index         its position in the file's list
 * @param expectBackend the backend it must reach; null when {@code expectReject}
 * @param expectReject  {@code expect: reject}: no backend (503 / close)
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
        String expectBackend,
        boolean expectReject) {

    /** How the case is named in messages: {@code frontend 'x' src 1.2.3.4 path '/a'}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("frontend '").append(frontend).append('\'');
        if (src != null) {
            sb.append(" src ").append(src);
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
