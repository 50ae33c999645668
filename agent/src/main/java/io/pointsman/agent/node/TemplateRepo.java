package io.pointsman.agent.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The starter config repo that travels inside the jar ({@code config-repo-template/}),
 * and a local bare repo seeded from it: what {@code run} without {@code --repo} and
 * {@code demo} sync from.
 */
public final class TemplateRepo {
    static final String RESOURCE = "config-repo-template";

    private TemplateRepo() {}

    /**
     * Returns {@code bare}, creating it from the template with one commit on
     * {@code branch} when it does not exist yet. Blocking (file I/O, git).
     */
    public static Path ensureBareRepo(Path bare, String branch) throws IOException {
        if (Files.isDirectory(bare.resolve("objects"))) {
            return bare;
        }
        Path work = Files.createTempDirectory("pointsman-template-");
        try {
            copyTemplate(work);
            try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch(branch).call()) {
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("Pointsman", "pointsman@localhost");
                git.commit().setMessage("Start from Pointsman's config-repo-template").setAuthor(who).setCommitter(who)
                        .setSign(false).call();
                Files.createDirectories(bare.getParent());
                try (Git b = Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch(branch).call()) {
                    git.push().setRemote(bare.toUri().toString()).add(branch).call();
                }
            }
            return bare;
        } catch (GitAPIException e) {
            throw new IOException("cannot create " + bare + " from the config template: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** Copies the template (from the jar, or from the classes directory in tests) into {@code target}. */
    public static void copyTemplate(Path target) throws IOException {
        URL url = TemplateRepo.class.getClassLoader().getResource(RESOURCE + "/proxy.yaml");
        if (url == null) {
            throw new IOException("config-repo-template is not packaged with this build");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (uri.getScheme().equals("jar")) {
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                copyTree(fs.getPath("/" + RESOURCE), target);
            }
        } else {
            copyTree(Path.of(uri).getParent(), target);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.toList();
        }
        for (Path p : all) {
            Path dest = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(dest);
            } else {
                try (InputStream in = Files.newInputStream(p)) {
                    Files.copy(in, dest);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
