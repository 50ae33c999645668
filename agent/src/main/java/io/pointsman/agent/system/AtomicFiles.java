package io.pointsman.agent.system;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that other programs read while the agent changes them (keepalived.conf, BIRD's
 * include, track files): a reader sees the old text or the new one, never half of it,
 * and the new text is on disk before it is in place.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** The file's text, or null when it does not exist. */
    public static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    /** Replaces {@code file} with {@code text} (temp file in the same directory, fsync, rename). */
    public static void write(Path file, String text) throws IOException {
        write(file, text, false);
    }

    /** As {@link #write(Path, String)}, mode {@code rwxr-xr-x} (a script Keepalived runs). */
    public static void writeExecutable(Path file, String text) throws IOException {
        write(file, text, true);
    }

    /** Puts back what {@link #read} returned: {@code previous == null} deletes the file. */
    public static void restore(Path file, String previous) throws IOException {
        if (previous == null) {
            Files.deleteIfExists(file);
        } else {
            write(file, previous);
        }
    }

    /**
     * Replaces {@code file} with {@code bytes} for good: a temp file of its own (concurrent
     * writers never share one), fsync, rename, then fsync of the directory so the rename
     * survives a power cut too. For the agent's own state (state.json, notify.json,
     * overrides.json); a file system that cannot rename atomically is an error here, never
     * a half-written state.
     */
    public static void writeDurably(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system of " + dir + " cannot rename atomically; " + file.getFileName()
                        + " not written", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        // Makes the rename durable. Opening a directory for reading works on Linux; some
        // platforms refuse, and there the rename is as durable as the OS makes it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not fatal: see above
        }
    }

    private static void write(Path file, String text, boolean executable) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve(file.getFileName() + ".pointsman-new");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        if (executable) {
            // Keepalived's enable_script_security: only the owner may write the script.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
