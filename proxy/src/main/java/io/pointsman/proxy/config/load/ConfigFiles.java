package io.pointsman.proxy.config.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a config repo that Pointsman reads, by repo-relative path with '/'
 * separators: {@code proxy.yaml}, {@code hosts/<node>.yaml}, {@code tests/*.yaml}.
 * Built from a directory (CLI) or from a git tree (agent).
 */
public record ConfigFiles(Map<String, String> files) {
    public static final String PROXY_YAML = "proxy.yaml";

    public ConfigFiles {
        files = Map.copyOf(files);
    }

    /** Reads proxy.yaml, hosts/*.yaml and tests/*.yaml under {@code dir}; blocking file I/O. */
    public static ConfigFiles fromDirectory(Path dir) {
        Map<String, String> files = new TreeMap<>();
        read(dir, PROXY_YAML, files);
        for (String sub : new String[] {"hosts", "tests"}) {
            Path d = dir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                            .forEach(p -> read(dir, sub + "/" + p.getFileName(), files));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + d, e);
                }
            }
        }
        return new ConfigFiles(files);
    }

    private static void read(Path dir, String rel, Map<String, String> into) {
        Path p = dir.resolve(rel);
        if (Files.isRegularFile(p)) {
            try {
                into.put(rel, Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
    }

    public String get(String path) {
        return files.get(path);
    }

    public static String hostFile(String node) {
        return "hosts/" + node + ".yaml";
    }
}
