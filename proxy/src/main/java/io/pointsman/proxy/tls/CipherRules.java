package io.pointsman.proxy.tls;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * HAProxy's {@code ciphers} and {@code ciphersuites} strings, checked and turned into what
 * BoringSSL (the TLS library, through netty-tcnative) offers.
 *
 * <p>{@code ciphers} (TLS 1.2) is an OpenSSL cipher string ({@code ECDHE+AESGCM:!aNULL}).
 * BoringSSL expands it; but BoringSSL skips words it does not know, so a typo would vanish
 * silently. So every word must be one OpenSSL's grammar has (the list HAProxy's OpenSSL
 * knows, {@code openssl-cipher-words.txt}: {@code !RC4} means something to an HAProxy user
 * even where BoringSSL has no RC4) or one BoringSSL selects something with, and the whole
 * string must leave at least one cipher.
 *
 * <p>{@code ciphersuites} (TLS 1.3): BoringSSL always offers its three TLS 1.3 suites and
 * cannot leave one out or take another, so a list must hold exactly those three (in any
 * order: BoringSSL picks among them itself).
 */
public final class CipherRules {
    /** The TLS 1.3 suites BoringSSL offers, all of them, always. */
    public static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    private static final Set<String> OPENSSL_TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");
    private static final Set<String> OPENSSL_WORDS = loadWords();
    private static volatile SslContext probe;

    private CipherRules() {
    }

    /** What is wrong with a {@code ciphers} string, or null when BoringSSL takes it as written. */
    public static String problem(String ciphers) {
        if (ciphers == null || ciphers.isBlank()) {
            return "empty cipher string";
        }
        if (!OpenSsl.isAvailable()) {
            return "'ciphers' needs BoringSSL (netty-tcnative), which cannot load here: "
                    + OpenSsl.unavailabilityCause();
        }
        for (String element : ciphers.split("[:, ]+")) {
            if (element.isEmpty()) {
                continue;
            }
            if (element.startsWith("@")) {
                if (!element.equals("@STRENGTH")) {
                    return "'" + element + "' is not supported (BoringSSL knows @STRENGTH only)";
                }
                continue;
            }
            String body = element.charAt(0) == '!' || element.charAt(0) == '-' || element.charAt(0) == '+'
                    ? element.substring(1) : element;
            for (String word : body.split("\\+")) {
                if (word.isEmpty()) {
                    return "bad element '" + element + "'";
                }
                if (!OPENSSL_WORDS.contains(word) && selectNothing(word)) {
                    return "unknown cipher '" + word + "'" + near(word);
                }
            }
        }
        try {
            expand(ciphers);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /** What is wrong with a {@code ciphersuites} string, or null when it is one BoringSSL can honour. */
    public static String suitesProblem(String ciphersuites) {
        if (ciphersuites == null || ciphersuites.isBlank()) {
            return "empty cipher suite list";
        }
        Set<String> listed = new LinkedHashSet<>();
        for (String s : ciphersuites.split(":")) {
            String name = s.trim();
            if (!OPENSSL_TLS13_SUITES.contains(name)) {
                return "unknown TLS 1.3 cipher suite '" + name + "' (known: " + String.join(", ", OPENSSL_TLS13_SUITES)
                        + ")";
            }
            if (!TLS13_SUITES.contains(name)) {
                return name + " is not offered by BoringSSL (it offers " + String.join(", ", TLS13_SUITES) + ")";
            }
            listed.add(name);
        }
        if (listed.size() < TLS13_SUITES.size()) {
            List<String> missing = new ArrayList<>(TLS13_SUITES);
            missing.removeAll(listed);
            return "BoringSSL offers " + String.join(", ", TLS13_SUITES) + " in every TLS 1.3 handshake and cannot"
                    + " leave out " + String.join(", ", missing) + ": list all three (BoringSSL picks among them itself)";
        }
        return null;
    }

    /**
     * The cipher suites (OpenSSL names, in preference order) a {@code ciphers} string
     * selects in BoringSSL, those Netty can offer.
     *
     * @throws IllegalArgumentException when it selects none
     */
    public static List<String> expand(String ciphers) {
        List<String> all = select(ciphers);
        if (all == null || all.isEmpty()) {
            throw new IllegalArgumentException("cipher string '" + ciphers + "' selects no cipher BoringSSL offers");
        }
        List<String> out = new ArrayList<>();
        for (String c : all) {
            if (OpenSsl.isCipherSuiteAvailable(c)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("cipher string '" + ciphers + "' selects no cipher BoringSSL offers");
        }
        return out;
    }

    private static boolean selectNothing(String word) {
        List<String> s = select(word);
        return s == null || s.isEmpty();
    }

    /** What BoringSSL selects for {@code ciphers}; null when it refuses the string. */
    private static List<String> select(String ciphers) {
        ReferenceCountedOpenSslEngine engine = (ReferenceCountedOpenSslEngine) probe()
                .newEngine(UnpooledByteBufAllocator.DEFAULT);
        try {
            long ssl = engine.sslPointer();
            try {
                if (!SSL.setCipherSuites(ssl, ciphers, false)) {
                    return null;
                }
            } catch (Exception e) {
                return null;
            }
            String[] selected = SSL.getCiphers(ssl);
            return selected == null ? List.of() : List.of(selected);
        } finally {
            engine.release();
        }
    }

    private static SslContext probe() {
        SslContext p = probe;
        if (p == null) {
            synchronized (CipherRules.class) {
                p = probe;
                if (p == null) {
                    try {
                        p = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).build();
                    } catch (SSLException e) {
                        throw new IllegalStateException("BoringSSL cannot make a context", e);
                    }
                    probe = p;
                }
            }
        }
        return p;
    }

    /** " (did you mean 'X'?)" for a word one or two letters off a known one, else "". */
    private static String near(String word) {
        String w = word.toUpperCase(Locale.ROOT);
        for (String known : OPENSSL_WORDS) {
            String k = known.toUpperCase(Locale.ROOT);
            if (k.length() == w.length()) {
                int diff = 0;
                for (int i = 0; i < k.length() && diff <= 2; i++) {
                    if (k.charAt(i) != w.charAt(i)) {
                        diff++;
                    }
                }
                if (diff <= 2) {
                    return " (did you mean '" + known + "'?)";
                }
            }
        }
        return "";
    }

    private static Set<String> loadWords() {
        try (InputStream in = CipherRules.class.getResourceAsStream("openssl-cipher-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("openssl-cipher-words.txt is missing from the classpath");
            }
            Set<String> words = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String w = line.trim();
                if (!w.isEmpty() && !w.startsWith("#")) {
                    words.add(w);
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
