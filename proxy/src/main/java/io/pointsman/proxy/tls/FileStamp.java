package io.pointsman.proxy.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a file looked like when it was read: size, modification time and identity (inode),
 * symbolic links followed, so a certbot renewal that re-points {@code live/…/fullchain.pem}
 * at a new file is seen even when size and time happen to match. {@link #MISSING} for a
 * file that could not be looked at.
 */
record FileStamp(long size, FileTime modified, Object fileKey) {
    static final FileStamp MISSING = new FileStamp(-1, null, null);

    static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.size(), a.lastModifiedTime(), a.fileKey());
        } catch (IOException | SecurityException e) {
            return MISSING;
        }
    }
}
