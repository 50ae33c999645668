package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import java.nio.file.Path;

/** State shared by the handlers of one import: the config, where its files are, and every line's outcome. */
final class Translation {
    final HaproxyConfig config;
    /** haproxy.cfg's directory: where relative pattern files are looked up. */
    final Path baseDir;
    final LineOutcomes outcomes = new LineOutcomes();
    /** {@code crt-base} of the global section, or null. */
    String crtBase;
    /** {@code ca-base} of the global section, or null. */
    String caBase;
    /** {@code ssl-server-verify} of the global section (none, required), or null. */
    String serverVerify;

    Translation(HaproxyConfig config, Path baseDir) {
        this.config = config;
        this.baseDir = baseDir;
    }

    /** A {@code crt} path as HAProxy resolves it: relative ones under {@code crt-base}. */
    String certificatePath(String crt) {
        if (crt.startsWith("/") || crtBase == null) {
            return crt;
        }
        return crtBase.endsWith("/") ? crtBase + crt : crtBase + "/" + crt;
    }

    /** A {@code ca-file} or {@code crl-file} path as HAProxy resolves it: relative ones under {@code ca-base}. */
    String caPath(String file) {
        if (file.startsWith("/") || file.equals("@system-ca") || caBase == null) {
            return file;
        }
        return caBase.endsWith("/") ? caBase + file : caBase + "/" + file;
    }

    /**
     * Whether a path named in haproxy.cfg is a directory on this machine (a relative one is
     * looked for beside haproxy.cfg); false when it is not there or cannot be a path.
     */
    boolean isDirectory(String file) {
        try {
            Path p = Path.of(file);
            return java.nio.file.Files.isDirectory(p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
