package io.pointsman.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small certificate authority made with the {@code openssl} CLI in a test's directory:
 * ECDSA P-256 keys, certificates for servers (serverAuth, a DNS name) and clients
 * (clientAuth), an expired one, revocation and a CRL. Files are PEM, keys PKCS#8
 * (unencrypted), as certbot and {@code openssl req} write them.
 */
public final class TestPki {
    private final Path dir;
    private final String name;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA named {@code name} (its files are {@code name-ca.pem} / {@code name-ca.key}). */
    public static TestPki create(Path dir, String name) throws IOException {
        TestPki pki = new TestPki(dir, name);
        Path db = pki.db();
        Files.createDirectories(db);
        Files.writeString(db.resolve("index.txt"), "");
        Files.writeString(db.resolve("serial"), "1000\n");
        Files.writeString(db.resolve("crlnumber"), "01\n");
        Files.writeString(pki.config(), """
                [ ca ]
                default_ca = test
                [ test ]
                dir = %s
                database = $dir/index.txt
                serial = $dir/serial
                crlnumber = $dir/crlnumber
                new_certs_dir = $dir
                certificate = %s
                private_key = %s
                default_md = sha256
                default_days = 2
                default_crl_days = 2
                policy = any
                copy_extensions = none
                unique_subject = no
                [ any ]
                commonName = supplied
                organizationName = optional
                [ server ]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                subjectAltName = $ENV::SAN
                [ client ]
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = clientAuth
                """.formatted(db, pki.caCert(), pki.caKey()));
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", pki.caKey().toString(), "-out", pki.caCert().toString(), "-days", "2",
                "-subj", "/CN=" + name + " test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return pki;
    }

    public Path caCert() {
        return dir.resolve(name + "-ca.pem");
    }

    public Path caKey() {
        return dir.resolve(name + "-ca.key");
    }

    /** A server certificate for {@code dnsNames} (the first is the CN): {@code file.pem}, {@code file.key}. */
    public Issued server(String file, String... dnsNames) throws IOException {
        return issue(file, "server", "/CN=" + dnsNames[0], null, null, dnsNames);
    }

    /** A client certificate with subject {@code subject} (e.g. {@code /CN=alice/O=Example}). */
    public Issued client(String file, String subject) throws IOException {
        return issue(file, "client", subject, null, null);
    }

    /** A client certificate that expired (valid in January 2020 only). */
    public Issued expiredClient(String file, String subject) throws IOException {
        return issue(file, "client", subject, "20200101000000Z", "20200102000000Z");
    }

    /** A server certificate that expired (valid in January 2020 only). */
    public Issued expiredServer(String file, String dnsName) throws IOException {
        return issue(file, "server", "/CN=" + dnsName, "20200101000000Z", "20200102000000Z", dnsName);
    }

    /** Marks {@code cert} revoked; the next {@link #crl} lists it. */
    public void revoke(Issued cert) throws IOException {
        run(dir, "openssl", "ca", "-batch", "-config", config().toString(), "-revoke", cert.cert().toString());
    }

    /** Writes this CA's CRL (PEM) to {@code file}. */
    public Path crl(String file) throws IOException {
        Path out = dir.resolve(file);
        run(dir, "openssl", "ca", "-batch", "-config", config().toString(), "-gencrl", "-out", out.toString());
        return out;
    }

    /** A certificate and its key as files. */
    public record Issued(Path cert, Path key) {
        /** The certificate followed by its key in one file (HAProxy's {@code crt} layout). */
        public Path combined(Path file) throws IOException {
            Files.writeString(file, Files.readString(cert) + Files.readString(key));
            return file;
        }
    }

    private Issued issue(String file, String extensions, String subject, String start, String end, String... dns)
            throws IOException {
        Path key = dir.resolve(file + ".key");
        Path csr = db().resolve(file + ".csr");
        Path cert = dir.resolve(file + ".pem");
        run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject);
        List<String> cmd = new ArrayList<>(List.of("openssl", "ca", "-batch", "-notext", "-config", config().toString(),
                "-extensions", extensions, "-in", csr.toString(), "-out", cert.toString()));
        if (start != null) {
            cmd.addAll(List.of("-startdate", start, "-enddate", end));
        }
        List<String> sans = new ArrayList<>();
        for (String d : dns) {
            sans.add("DNS:" + d);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SAN", sans.isEmpty() ? "email:none@example.invalid" : String.join(",", sans));
        run(dir, pb);
        return new Issued(cert, key);
    }

    private Path db() {
        return dir.resolve(name + "-ca.db");
    }

    private Path config() {
        return db().resolve("openssl.cnf");
    }

    /** Runs a command in {@code dir}; fails with its output unless it exits 0. */
    public static String run(Path dir, String... command) throws IOException {
        return run(dir, new ProcessBuilder(command));
    }

    private static String run(Path dir, ProcessBuilder pb) throws IOException {
        pb.environment().putIfAbsent("SAN", "DNS:unused.invalid"); // the config names it; only issuing uses it
        Process p = pb.directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + pb.command());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(pb.command() + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
