package io.pointsman.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_client} as a test client: connects to a loopback port with the given
 * options, sends {@code input} (then end of input) and reports what the handshake gave.
 */
public final class SClient {
    private static final Pattern SESSION = Pattern.compile("(New|Reused), (TLSv[0-9.]+|\\(NONE\\)), Cipher is (\\S+)");
    private static final Pattern ALPN = Pattern.compile("ALPN protocol: (\\S+)");
    private static final Pattern SUBJECT = Pattern.compile("subject=(.*)");

    private SClient() {
    }

    /** What one {@code s_client} run printed. */
    public record Result(int exit, String output) {
        /** The handshake completed. */
        public boolean connected() {
            Matcher m = SESSION.matcher(output);
            return m.find() && !m.group(2).equals("(NONE)");
        }

        public String protocol() {
            Matcher m = SESSION.matcher(output);
            return m.find() ? m.group(2) : null;
        }

        public String cipher() {
            Matcher m = SESSION.matcher(output);
            return m.find() ? m.group(3) : null;
        }

        /** The protocol ALPN agreed on; null when none. */
        public String alpn() {
            Matcher m = ALPN.matcher(output);
            return m.find() ? m.group(1) : null;
        }

        public boolean ticket() {
            return output.contains("TLS session ticket lifetime hint");
        }

        public boolean reused() {
            return output.contains("Reused, TLSv");
        }

        /** The server certificate's subject as OpenSSL prints it ({@code CN = a.example}). */
        public String subject() {
            Matcher m = SUBJECT.matcher(output);
            return m.find() ? m.group(1).trim() : null;
        }

        /** Whether the server sent {@code line} (a whole line) after the handshake. */
        public boolean received(String line) {
            return output.contains("\n" + line + "\n");
        }
    }

    /** Connects to {@code 127.0.0.1:port}; {@code options} as on the command line. */
    public static Result connect(int port, String input, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl s_client did not finish: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
