package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Loads a config repo's files for one node: parse proxy.yaml and hosts/NODE.yaml with
 * line numbers ({@link YamlReader}), deep-merge ({@link HostMerge}), resolve secrets
 * ({@link SecretResolver}), bind to records ({@link RecordBinder}), normalize
 * ({@link Normalizer}), validate ({@link ConfigValidator}). Every error of every phase
 * is reported at once; a phase that cannot run (a YAML syntax error) stops there.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param node the node name; its {@code hosts/<node>.yaml} is merged when present (null = none)
     * @throws ConfigException with every error found, each with file, line and YAML path
     */
    public static LoadedConfig load(ConfigFiles files, String node, SecretSource secrets) throws ConfigException {
        Problems problems = new Problems();
        String text = files.get(ConfigFiles.PROXY_YAML);
        if (text == null) {
            throw new ConfigException(List.of(new ConfigError(ConfigFiles.PROXY_YAML, 0, "", "file not found")));
        }
        YamlNode.MapNode tree = YamlReader.read(ConfigFiles.PROXY_YAML, text, problems);
        String hostFile = node == null ? null : ConfigFiles.hostFile(node);
        String hostText = hostFile == null ? null : files.get(hostFile);
        YamlNode.MapNode host = hostText == null ? null : YamlReader.read(hostFile, hostText, problems);
        if (tree == null || (hostText != null && host == null)) {
            throw failure(problems, Redactor.NONE);
        }
        if (host != null) {
            tree = HostMerge.merge(tree, host, problems);
        }
        SecretResolver.Result resolved = SecretResolver.resolve(tree, secrets, problems);
        Redactor redactor = new Redactor(resolved.secrets());
        tree = resolved.tree();

        RecordBinder binder = new RecordBinder(problems);
        ProxyConfig raw = binder.bindRoot(tree, ProxyConfig.class);
        if (raw == null) {
            throw failure(problems, redactor);
        }
        ProxyConfig normalized = Normalizer.normalize(raw);
        ConfigValidator.validate(raw, normalized, binder.locations(), problems);
        if (!problems.isEmpty()) {
            throw failure(problems, redactor);
        }
        return new LoadedConfig(normalized, tree, redactor);
    }

    /**
     * Binds one more YAML file of the repo to a record type with the rules proxy.yaml follows
     * (unknown keys and wrong types are errors, each with its line); no merge, no secrets.
     * Binding errors come back in the result, for the caller to report with its own checks.
     *
     * @throws ConfigException when the file is not YAML or not a map at all
     */
    public static <T> BoundFile<T> bindFile(String file, String text, Class<T> type) throws ConfigException {
        Problems problems = new Problems();
        YamlNode.MapNode tree = YamlReader.read(file, text, problems);
        if (tree == null) {
            throw failure(problems, Redactor.NONE);
        }
        RecordBinder binder = new RecordBinder(problems);
        T value = binder.bindRoot(tree, type);
        if (value == null) {
            throw failure(problems, Redactor.NONE);
        }
        return new BoundFile<>(file, value, binder.locations(), problems.errors());
    }

    /** Every error, sorted by file and line, with any resolved secret value redacted as a last safeguard. */
    private static ConfigException failure(Problems problems, Redactor redactor) {
        List<ConfigError> out = new ArrayList<>();
        for (ConfigError e : problems.errors()) {
            out.add(new ConfigError(e.file(), e.line(), e.path(), redactor.redact(e.message())));
        }
        Collections.sort(out);
        return new ConfigException(out);
    }
}
