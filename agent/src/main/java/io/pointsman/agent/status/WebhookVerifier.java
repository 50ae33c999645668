package io.pointsman.agent.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a push webhook against the shared secret ({@code --webhook-secret-file}):
 * GitHub's {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>} or GitLab's
 * {@code X-Gitlab-Token: <secret>}. Comparisons take constant time.
 */
public final class WebhookVerifier {
    public static final String GITHUB_HEADER = "X-Hub-Signature-256";
    public static final String GITLAB_HEADER = "X-Gitlab-Token";

    private final byte[] secret;

    public WebhookVerifier(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("webhook secret is empty");
        }
        this.secret = secret.clone();
    }

    public static WebhookVerifier fromFile(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException("webhook secret file " + file + " is empty");
        }
        return new WebhookVerifier(s.getBytes(StandardCharsets.UTF_8));
    }

    /** True when either header proves the sender knows the secret. */
    public boolean verify(byte[] body, String githubSignature, String gitlabToken) {
        if (githubSignature != null) {
            return verifyGithub(body, githubSignature);
        }
        if (gitlabToken != null) {
            return MessageDigest.isEqual(secret, gitlabToken.getBytes(StandardCharsets.UTF_8));
        }
        return false;
    }

    private boolean verifyGithub(byte[] body, String header) {
        String h = header.strip();
        if (!h.startsWith("sha256=")) {
            return false;
        }
        byte[] given = h.substring(7).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = signature(body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} (what GitHub sends after {@code sha256=}). */
    public String signature(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
