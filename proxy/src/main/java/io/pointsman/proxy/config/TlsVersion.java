package io.pointsman.proxy.config;

/**
 * A TLS protocol version as HAProxy's {@code ssl-min-ver} writes it. Older versions
 * (SSLv3, TLSv1.0, TLSv1.1) are not offered at all.
 */
public enum TlsVersion {
    TLS1_2("TLSv1.2"),
    TLS1_3("TLSv1.3");

    private final String text;

    TlsVersion(String text) {
        this.text = text;
    }

    /** {@code TLSv1.2} or {@code TLSv1.3}, as written in proxy.yaml and by the JDK and OpenSSL. */
    public String text() {
        return text;
    }

    public static TlsVersion parse(String s) {
        for (TlsVersion v : values()) {
            if (v.text.equals(s.trim())) {
                return v;
            }
        }
        if (s.trim().matches("(?i)SSLv3|TLSv1(\\.[01])?")) {
            throw new IllegalArgumentException("TLS version '" + s + "' is not offered (insecure): use TLSv1.2 or TLSv1.3");
        }
        throw new IllegalArgumentException("bad TLS version '" + s + "' (expected TLSv1.2 or TLSv1.3)");
    }

    @Override
    public String toString() {
        return text;
    }
}
