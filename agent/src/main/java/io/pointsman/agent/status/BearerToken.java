package io.pointsman.agent.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** The {@code --status-token-file} token; checks {@code Authorization: Bearer <token>} in constant time. */
public final class BearerToken {
    private final byte[] token;

    private BearerToken(byte[] token) {
        this.token = token;
    }

    public static BearerToken fromFile(Path file) throws IOException {
        String t = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) {
            throw new IOException("status token file " + file + " is empty");
        }
        return new BearerToken(t.getBytes(StandardCharsets.UTF_8));
    }

    /** True when the header is {@code Bearer <token>}. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, given); // time does not depend on where they differ
    }
}
