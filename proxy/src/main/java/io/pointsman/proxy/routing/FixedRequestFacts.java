package io.pointsman.proxy.routing;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Request facts given up front rather than read off a connection: for route assertions
 * ({@code tests/*.yaml}, SPEC §5.10), tools and tests. Header names are case-insensitive.
 */
public record FixedRequestFacts(
        InetAddress source,
        int destinationPort,
        String sni,
        String host,
        String path,
        String method,
        Map<String, List<String>> headers) implements RequestFacts {

    public FixedRequestFacts {
        Map<String, List<String>> lower = new HashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
                List<String> all = new java.util.ArrayList<>(a);
                all.addAll(b);
                return List.copyOf(all);
            }));
        }
        headers = Map.copyOf(lower);
    }

    @Override
    public List<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction: {@code FixedRequestFacts.builder().source("203.0.113.9").path("/api/").build()}. */
    public static final class Builder {
        private InetAddress source;
        private int destinationPort;
        private String sni;
        private String host;
        private String path;
        private String method;
        private final Map<String, List<String>> headers = new HashMap<>();

        /** An IP literal; never resolves a name. */
        public Builder source(String ipLiteral) {
            byte[] b = io.pointsman.proxy.config.Cidr.literal(ipLiteral);
            if (b == null) {
                throw new IllegalArgumentException("source '" + ipLiteral + "' is not an IP address");
            }
            try {
                return source(InetAddress.getByAddress(b));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("source '" + ipLiteral + "'", e);
            }
        }

        public Builder source(InetAddress source) {
            this.source = source;
            return this;
        }

        public Builder destinationPort(int port) {
            this.destinationPort = port;
            return this;
        }

        public Builder sni(String sni) {
            this.sni = sni;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder header(String name, String... values) {
            headers.merge(name.toLowerCase(Locale.ROOT), List.of(values), (a, b) -> {
                List<String> all = new java.util.ArrayList<>(a);
                all.addAll(b);
                return all;
            });
            return this;
        }

        public FixedRequestFacts build() {
            return new FixedRequestFacts(source, destinationPort, sni, host, path, method, headers);
        }
    }
}
