package io.pointsman.proxy.rules;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import org.apache.commons.codec.digest.Sha2Crypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Checks passwords against crypt(3) hashes (bcrypt {@code $2a$/$2b$/$2y$}, sha-512
 * {@code $6$}, sha-256 {@code $5$}) on its own small executor, never on an event loop
 * (a bcrypt costs milliseconds by design), and remembers the answers.
 *
 * <p>The cache: at most {@value #CACHE_SIZE} answers, least recently used forgotten first,
 * keyed by the stored hash and a SHA-256 of the password tried, so a wrong password is
 * remembered as wrong (never as right), a changed hash (a new config) never finds an old
 * answer, and no password is kept in clear. Lives as long as the proxy (a swap that keeps
 * a user's hash keeps its answers); thread-safe.
 */
public final class PasswordVerifier implements AutoCloseable {
    static final int CACHE_SIZE = 10_000;
    private static final BCrypt.Verifyer BCRYPT = BCrypt.verifyer(BCrypt.Version.VERSION_2A,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A)); // crypt(3) reads 72 bytes

    private final Executor executor;
    private final ExecutorService owned;
    private final Map<String, Boolean> answers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    /** Checks running now, so that a burst of requests with one password costs one hash. */
    private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong computed = new java.util.concurrent.atomic.AtomicLong();

    /** A verifier with one daemon thread of its own; {@link #close()} stops it. */
    public static PasswordVerifier withOwnThread() {
        ExecutorService e = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pointsman-password-check");
            t.setDaemon(true);
            return t;
        });
        return new PasswordVerifier(e, e);
    }

    /** A verifier running checks on {@code executor} (not an event loop). */
    public PasswordVerifier(Executor executor) {
        this(executor, null);
    }

    private PasswordVerifier(Executor executor, ExecutorService owned) {
        this.executor = executor;
        this.owned = owned;
    }

    /** The remembered answer for this hash and password, or null when it must be computed. */
    Boolean cached(String hash, String password) {
        String key = key(hash, password);
        synchronized (answers) {
            return answers.get(key);
        }
    }

    /** Computes the answer on the executor (or joins the check already running), then remembers it. */
    CompletableFuture<Boolean> check(String hash, String password) {
        String key = key(hash, password);
        synchronized (answers) {
            Boolean known = answers.get(key);
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> other = running.putIfAbsent(key, mine);
        if (other != null) {
            return other;
        }
        try {
            executor.execute(() -> {
                computed.incrementAndGet();
                boolean ok = matches(hash, password);
                synchronized (answers) {
                    answers.put(key, ok);
                }
                running.remove(key);
                mine.complete(ok);
            });
        } catch (RejectedExecutionException e) {
            running.remove(key);
            mine.complete(false);
        }
        return mine;
    }

    /** Hashes computed so far (answers from the cache and joined checks not counted). */
    public long hashesComputed() {
        return computed.get();
    }

    /** Whether {@code password} hashes to {@code hash}; blocking and costly for bcrypt. */
    static boolean matches(String hash, String password) {
        try {
            if (hash.startsWith("$2")) {
                return BCRYPT.verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.US_ASCII))
                        .verified;
            }
            if (hash.startsWith("$5$") || hash.startsWith("$6$")) {
                int saltEnd = hash.lastIndexOf('$');
                String salt = hash.substring(0, saltEnd);
                byte[] key = password.getBytes(StandardCharsets.UTF_8);
                String computed = hash.startsWith("$5$") ? Sha2Crypt.sha256Crypt(key, salt) : Sha2Crypt.sha512Crypt(key, salt);
                return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (RuntimeException e) {
            return false; // a malformed hash matches nothing (validation checks the form)
        }
        return false;
    }

    /** Compares in time independent of where the texts differ ({@code insecure_password}). */
    static boolean plainEquals(String expected, String given) {
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static String key(String hash, String password) {
        byte[] d = sha256(hash + "\u0000" + password);
        return hash + ":" + java.util.HexFormat.of().formatHex(d);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.shutdownNow();
        }
    }
}
