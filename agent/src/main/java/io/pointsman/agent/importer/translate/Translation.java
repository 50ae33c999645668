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
}
