package io.pointsman.agent.preview;

import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One side of a preview: the config files of a revision of a checkout, or of a directory
 * (the working tree included), with how to name it in a report.
 *
 * @param label    {@code HEAD}, {@code origin/main}, {@code working tree}, a directory
 * @param revision the commit id when the side is a revision, else null
 */
public record ConfigSource(String label, String revision, ConfigFiles files) {

    /** A side given on the command line: an existing directory, else a revision of {@code checkout}. */
    public static ConfigSource of(String spec, Checkout checkout) throws IOException {
        Path dir = Path.of(spec);
        if (Files.isDirectory(dir)) {
            return directory(dir, spec);
        }
        if (checkout == null) {
            throw new IllegalArgumentException("'" + spec + "' is not a directory, and there is no git repository"
                    + " here to find it in as a revision");
        }
        ObjectId id = checkout.resolve(spec);
        if (id == null) {
            throw new IllegalArgumentException("'" + spec + "' is neither a directory nor a revision of this repository");
        }
        return new ConfigSource(spec, id.name(), checkout.read(id));
    }

    /** The files of a directory as they are on disk now. */
    public static ConfigSource directory(Path dir, String label) {
        try {
            return new ConfigSource(label, null, ConfigFiles.fromDirectory(dir));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code HEAD (1a2b3c4)}; a commit id given as such, shortened; the label alone for a directory. */
    public String describe() {
        if (revision == null) {
            return label;
        }
        String shortId = revision.substring(0, 7);
        return revision.startsWith(label.toLowerCase(java.util.Locale.ROOT)) ? shortId : label + " (" + shortId + ")";
    }
}
