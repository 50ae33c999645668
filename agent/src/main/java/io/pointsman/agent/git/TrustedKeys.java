package io.pointsman.agent.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * {@code run --trusted-keys DIR} (SPEC §5.9): only commits signed by one of these keys are
 * applied, and every commit since the last applied one must be, not just the head — so an
 * unsigned commit cannot slip in under a signed one.
 *
 * <p>The directory holds OpenSSH public keys, {@code *.pub} (as {@code ssh-keygen} writes
 * them, one or more {@code type base64 [comment]} lines), and/or an {@code allowed_signers}
 * file in git's format ({@code gpg.ssh.allowedSignersFile}) for principals and validity
 * limits, and/or OpenPGP public keys ({@code *.asc} from {@code gpg --armor --export}, or
 * binary {@code *.gpg}). Plain keys are trusted for any committer. SSH signatures are
 * checked by JGit's verifier in the {@code git} namespace, as {@code git verify-commit}
 * does; OpenPGP ones by {@link OpenPgpKeys}.
 *
 * <p>The keys are read once at start into {@code allowed_signers} under the state dir.
 */
public final class TrustedKeys {
    /** More commits than this between the last applied and the head: refuse rather than walk for ever. */
    static final int MAX_COMMITS = 10_000;

    private final Path dir;
    private final int sshKeys;
    private final GpgConfig gpg;
    private final OpenPgpKeys openPgp;

    private TrustedKeys(Path dir, int sshKeys, GpgConfig gpg, OpenPgpKeys openPgp) {
        this.dir = dir;
        this.sshKeys = sshKeys;
        this.gpg = gpg;
        this.openPgp = openPgp;
    }

    /**
     * Reads the keys in {@code dir} and writes the allowed-signers file JGit reads to
     * {@code workDir/allowed_signers}.
     *
     * @throws IOException when the directory cannot be read or holds no key
     */
    public static TrustedKeys load(Path dir, Path workDir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("--trusted-keys " + dir + ": not a directory");
        }
        List<String> lines = new ArrayList<>();
        List<Path> pgpFiles = new ArrayList<>();
        int keys = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                String name = f.getFileName().toString();
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                if (name.endsWith(".pub")) {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        String key = line.strip();
                        if (key.isEmpty() || key.startsWith("#")) {
                            continue;
                        }
                        if (!key.startsWith("ssh-") && !key.startsWith("ecdsa-") && !key.startsWith("sk-")) {
                            throw new IOException(f + ": not an OpenSSH public key line: "
                                    + (key.length() > 40 ? key.substring(0, 40) + "..." : key));
                        }
                        lines.add("* namespaces=\"git\" " + key);
                        keys++;
                    }
                } else if (name.endsWith(".asc") || name.endsWith(".gpg")) {
                    pgpFiles.add(f);
                } else if (name.equals("allowed_signers")) {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        if (!line.isBlank() && !line.strip().startsWith("#")) {
                            lines.add(line.strip());
                            keys++;
                        }
                    }
                }
            }
        }
        OpenPgpKeys pgp = OpenPgpKeys.read(pgpFiles);
        if (keys == 0 && pgp.size() == 0) {
            throw new IOException("--trusted-keys " + dir + ": no keys (expected *.pub OpenSSH public keys, an "
                    + "allowed_signers file, or *.asc OpenPGP public keys)");
        }
        Files.createDirectories(workDir);
        Path allowed = workDir.resolve("allowed_signers");
        Path tmp = workDir.resolve("allowed_signers.tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, allowed, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Config c = new Config();
        c.setString("gpg", null, "format", "ssh");
        c.setString("gpg", "ssh", "allowedSignersFile", allowed.toAbsolutePath().toString());
        return new TrustedKeys(dir, keys, new GpgConfig(c), pgp);
    }

    public Path dir() {
        return dir;
    }

    public int keyCount() {
        return sshKeys + openPgp.size();
    }

    /**
     * Checks every commit reachable from {@code head} but not from {@code since} (only the
     * head when {@code since} is null or not in the repository, e.g. the first apply).
     * Returns null when all are signed by a trusted key, else why not, naming the first
     * commit that is not.
     */
    String check(Repository repo, ObjectId head, ObjectId since) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit start = walk.parseCommit(head);
            if (since == null || !repo.getObjectDatabase().has(since)) {
                return checkOne(repo, start);
            }
            walk.markStart(start);
            walk.markUninteresting(walk.parseCommit(since));
            int n = 0;
            for (RevCommit c : walk) {
                if (++n > MAX_COMMITS) {
                    return "more than " + MAX_COMMITS + " commits since the last applied one; refusing to check them all";
                }
                String problem = checkOne(repo, c);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
    }

    private String checkOne(Repository repo, RevCommit c) throws IOException {
        String what = "commit " + c.abbreviate(12).name() + " (\"" + subject(c) + "\")";
        byte[] raw = c.getRawGpgSignature();
        if (raw == null) {
            return what + " is not signed";
        }
        GpgConfig.GpgFormat format = SignatureVerifiers.getFormat(raw);
        if (format == GpgConfig.GpgFormat.OPENPGP) {
            String problem = openPgp.problem(payload(c.getRawBuffer()), raw);
            return problem == null ? null : what + " " + problem + (problem.contains("trusted keys") ? " in " + dir : "");
        }
        if (format != GpgConfig.GpgFormat.SSH) {
            return what + " has a " + format + " signature; trusted keys are OpenSSH or OpenPGP keys";
        }
        if (sshKeys == 0) {
            return what + " is SSH-signed and " + dir + " holds no SSH keys";
        }
        SignatureVerifier.SignatureVerification v = SignatureVerifiers.verify(repo, gpg, c);
        if (v == null) {
            return what + ": no SSH signature verifier available";
        }
        boolean unknownKey = v.message() != null && v.message().contains("No principal matched");
        if (unknownKey || v.verified() && v.trustLevel() != SignatureVerifier.TrustLevel.FULL
                && v.trustLevel() != SignatureVerifier.TrustLevel.ULTIMATE) {
            return what + " is signed by key " + (v.keyFingerprint() == null ? "?" : v.keyFingerprint())
                    + ", which is not among the trusted keys in " + dir;
        }
        if (!v.verified()) {
            return what + ": bad signature" + (v.message() == null ? "" : " (" + v.message() + ")");
        }
        return null;
    }

    /** What a commit signature signs: the raw commit without its {@code gpgsig} header (and its continuation lines). */
    static byte[] payload(byte[] raw) {
        int headersEnd = indexOf(raw, "\n\n".getBytes(StandardCharsets.US_ASCII), 0);
        int limit = headersEnd < 0 ? raw.length : headersEnd;
        int start;
        if (startsWith(raw, 0, "gpgsig ")) {
            start = 0;
        } else {
            int at = indexOf(raw, "\ngpgsig ".getBytes(StandardCharsets.US_ASCII), 0);
            if (at < 0 || at >= limit) {
                return raw;
            }
            start = at + 1;
        }
        int end = start;
        do {
            int lf = indexOf(raw, new byte[] {'\n'}, end);
            end = lf < 0 ? raw.length : lf + 1;
        } while (end < raw.length && raw[end] == ' ');
        byte[] out = new byte[raw.length - (end - start)];
        System.arraycopy(raw, 0, out, 0, start);
        System.arraycopy(raw, end, out, start, raw.length - end);
        return out;
    }

    private static boolean startsWith(byte[] a, int at, String prefix) {
        if (a.length - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (a[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte[] b, int from) {
        outer:
        for (int i = from; i <= a.length - b.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String subject(RevCommit c) {
        String s = c.getShortMessage();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
