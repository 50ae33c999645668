package io.pointsman.proxy.statspage;

import io.pointsman.proxy.config.StatsAuth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * HTTP basic auth of the stats page. The expected credentials are kept only as a SHA-256
 * digest, and a presented {@code Authorization} value is hashed the same way and compared
 * with {@link MessageDigest#isEqual} (constant time, equal lengths), so neither the
 * content nor the length of the password leaks through timing.
 */
public final class BasicAuth {
    public static final String REALM = "Pointsman Statistics";
    public static final String CHALLENGE = "Basic realm=\"" + REALM + "\"";

    private final byte[] expected;

    private BasicAuth(byte[] expected) {
        this.expected = expected;
    }

    /** Null when {@code auth} is null: the page is open. */
    public static BasicAuth of(StatsAuth auth) {
        if (auth == null) {
            return null;
        }
        return new BasicAuth(sha256(auth.user() + ":" + auth.password()));
    }

    /** True when the {@code Authorization} header value carries the right user and password. */
    public boolean permits(String authorization) {
        byte[] presented = sha256(decode(authorization));
        return MessageDigest.isEqual(expected, presented);
    }

    private static String decode(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "\u0000no-credentials";
        }
        try {
            return new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "\u0000bad-base64";
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
