package io.pointsman.agent.importer;

import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.HaproxyParser;
import io.pointsman.agent.importer.haproxy.ParseFinding;
import io.pointsman.agent.importer.keepalived.KeepalivedImport;
import io.pointsman.agent.importer.report.Finding;
import io.pointsman.agent.importer.translate.RouteCaseGenerator;
import io.pointsman.agent.importer.translate.Translator;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.agent.importer.yaml.YamlText;
import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code pointsman import} (SPEC §12): haproxy.cfg and keepalived.conf files → a config repo
 * that {@code pointsman validate} accepts, and the report of everything left out. The steps:
 * parse ({@link HaproxyParser}; a file HAProxy would refuse is refused), translate
 * ({@link Translator}, {@link KeepalivedImport}), load the result the way the agent will
 * (a part that does not validate is a bug here: it is left out and reported with the
 * validator's message, {@link InvalidOutputRepair}; what cannot be placed refuses the whole
 * import, and nothing is written), generate route
 * tests against the loaded config ({@link RouteCaseGenerator}), check them, and write the
 * directory ({@link RepoWriter}: a temporary directory renamed into place).
 */
public final class HaproxyImport {
    /** Exit statuses: everything translated, something left out, input refused. */
    public static final int ALL_TRANSLATED = 0;
    public static final int REFUSED = 1;
    public static final int SOMETHING_LEFT_OUT = 2;

    /** One keepalived.conf and the node it belongs to (null = the node named by --node). */
    public record KeepalivedFile(String node, Path path) {
    }

    /**
     * @param env the environment haproxy.cfg's {@code "${VAR}"} expand from
     */
    public record Request(Path haproxyCfg, List<KeepalivedFile> keepalived, String node, Path output,
            UnaryOperator<String> env) {
        public Request {
            keepalived = List.copyOf(keepalived);
        }
    }

    /**
     * @param status   {@link #ALL_TRANSLATED}, {@link #SOMETHING_LEFT_OUT} or {@link #REFUSED}
     * @param findings the report, in file and line order
     * @param problems why the import was refused (empty unless {@code status} is {@link #REFUSED})
     * @param files    the repo's files (path → content); empty when refused
     * @param stats    counts for the summary line
     */
    public record Outcome(int status, List<Finding> findings, List<String> problems, Map<String, String> files,
            Counts stats) {
    }

    /** Keyword lines of haproxy.cfg by what became of them. */
    public record Counts(int lines, int translated, int notTranslated, int notNeeded, int ignored, int routeCases) {
    }

    private HaproxyImport() {}

    /** Translates and, unless refused, writes {@code request.output()}. Never throws for bad input. */
    public static Outcome run(Request request) {
        Outcome o = translate(request);
        if (o.status() == REFUSED) {
            return o;
        }
        try {
            RepoWriter.write(request.output(), o.files());
        } catch (IOException | RuntimeException e) {
            List<String> problems = List.of("cannot write " + request.output() + ": " + e.getMessage());
            return new Outcome(REFUSED, o.findings(), problems, Map.of(), o.stats());
        }
        return o;
    }

    /** Everything but writing: the files the repo would hold. */
    public static Outcome translate(Request request) {
        String cfgName = request.haproxyCfg().getFileName() == null ? "haproxy.cfg"
                : request.haproxyCfg().getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(request.haproxyCfg());
        } catch (IOException | RuntimeException e) {
            return refused(List.of(), "cannot read " + request.haproxyCfg() + ": " + describe(e));
        }
        List<KeepalivedImport.NodeFile> kfiles = new ArrayList<>();
        for (KeepalivedFile k : request.keepalived()) {
            String text;
            try {
                text = Files.readString(k.path(), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                return refused(List.of(), "cannot read " + k.path() + ": " + describe(e));
            }
            String name = k.path().getFileName() == null ? "keepalived.conf" : k.path().getFileName().toString();
            kfiles.add(new KeepalivedImport.NodeFile(k.node(), name, text));
        }
        return translate(new Input(cfgName, bytes, request.haproxyCfg().toAbsolutePath().getParent(), kfiles,
                request.node(), request.env()));
    }

    /**
     * The files, already read.
     *
     * @param baseDir    where relative files named in haproxy.cfg (acl pattern files) are
     * @param keepalived each node's keepalived.conf; a null node is {@code node}, else the file's router_id
     */
    public record Input(String cfgName, byte[] cfg, Path baseDir, List<KeepalivedImport.NodeFile> keepalived,
            String node, UnaryOperator<String> env) {
    }

    /** Everything but reading and writing files. Never throws for bad input. */
    public static Outcome translate(Input in) {
        List<Finding> findings = new ArrayList<>();
        try {
            return translate(in, findings);
        } catch (RuntimeException e) {
            // A bug here must still end as a refusal that says so, never a stack trace or a file.
            return refused(findings, INTERNAL_ERROR + e);
        }
    }

    /** What a refusal for the importer's own failure starts with (the fuzz target looks for it). */
    static final String INTERNAL_ERROR = "the import stopped on an internal error (a bug in the importer; please"
            + " report it with your haproxy.cfg): ";

    private static Outcome translate(Input in, List<Finding> findings) {
        String cfgName = in.cfgName();
        HaproxyConfig config = HaproxyParser.parse(cfgName, in.cfg(), in.env());
        for (ParseFinding p : config.findings()) {
            findings.add(new Finding(cfgName, p.line(), p.keyword(), kind(p.kind()), p.message()));
        }
        if (config.sections().isEmpty() && !config.hasErrors()) {
            return refused(findings, cfgName + " has no section: not an HAProxy configuration");
        }
        if (config.hasErrors()) {
            return refused(findings, cfgName + " has errors HAProxy refuses too (listed above)");
        }
        Translator.Result t = Translator.translate(config, in.baseDir());
        findings.addAll(t.findings());

        Map<String, String> nodeFiles = new LinkedHashMap<>();
        List<KeepalivedImport.NodeFile> kfiles = new ArrayList<>();
        for (KeepalivedImport.NodeFile k : in.keepalived()) {
            String node = k.node() != null ? k.node() : in.node() != null ? in.node() : routerId(k.text());
            if (nodeFiles.containsKey(node)) {
                return refused(findings, "two keepalived.conf files for node '" + node + "': name the nodes"
                        + " (--keepalived lb1=a.conf --keepalived lb2=b.conf)");
            }
            nodeFiles.put(node, k.file());
            kfiles.add(new KeepalivedImport.NodeFile(node, k.file(), k.text()));
        }
        YMap root = t.proxyYaml();
        Map<String, YMap> hosts = new LinkedHashMap<>();
        if (!kfiles.isEmpty()) {
            KeepalivedImport.Result k = KeepalivedImport.translate(kfiles);
            findings.addAll(k.findings());
            if (k.failed()) {
                Collections.sort(findings);
                return refused(findings, "keepalived.conf has errors (listed above)");
            }
            root.put("keepalived", k.shared(), "keepalived.conf: what every node shares; state, priority and"
                    + " anything else that differs are in hosts/<node>.yaml");
            hosts.putAll(k.hosts());
        }
        Collections.sort(findings);
        if (findings.stream().anyMatch(f -> f.kind() == Finding.Kind.ERROR)) {
            return refused(findings, cfgName + " has errors HAProxy refuses too (listed above)");
        }

        // Load the result as the agent will. A failure here is the importer's bug: the parts
        // refused are left out and reported (InvalidOutputRepair), and the rest loaded again.
        Map<String, String> files;
        LoadedConfig loaded;
        for (int round = 0; ; round++) {
            files = files(cfgName, nodeFiles, root, hosts, in.node());
            try {
                loaded = ConfigLoader.load(new ConfigFiles(yamlOnly(files)), null, SecretSource.of(Map.of()));
                break;
            } catch (ConfigException e) {
                if (round == InvalidOutputRepair.MAX_ROUNDS
                        || !InvalidOutputRepair.leaveOutOne(root, e.errors(), cfgName, findings)) {
                    return refused(findings, invalidOutput(e));
                }
            }
        }
        RouteCaseGenerator.Output cases = RouteCaseGenerator.generate(cfgName, t.routes(), loaded.config());
        for (String unreached : cases.unreached()) {
            findings.add(new Finding(cfgName, lineOf(unreached), "use_backend", Finding.Kind.NOTE,
                    "no request found that reaches this rule (an earlier rule takes every request it could): no route"
                            + " test for it"));
        }
        Collections.sort(findings);
        YList list = new YList();
        for (YMap c : cases.cases()) {
            list.add(c);
        }
        files.put("tests/routes.yaml", "# Route tests written by `pointsman import`: for every use_backend rule it\n"
                + "# translated, a request that takes it, and one that takes none. Every node runs them\n"
                + "# before it applies a commit; `pointsman validate` runs them too.\n"
                + (list.isEmpty() ? "[]\n" : YamlText.write(list)));
        List<String> problems = new ArrayList<>();
        ConfigFiles all = new ConfigFiles(yamlOnly(files));
        List<String> nodes = new ArrayList<>(hosts.keySet());
        if (in.node() != null && !nodes.contains(in.node())) {
            nodes.add(in.node());
        }
        nodes.add(0, null);
        for (String node : nodes) {
            try {
                RouteAssertions.loadAndCheck(all, node, SecretSource.of(Map.of()));
            } catch (ConfigException e) {
                problems.add(invalidOutput(e) + (node == null ? "" : " (node " + node + ")"));
            }
        }
        if (!problems.isEmpty()) {
            return new Outcome(REFUSED, findings, problems, Map.of(), counts(config, findings, 0));
        }
        Counts counts = counts(config, findings, cases.cases().size());
        files.put("README.md", ImportReadme.render(cfgName, nodeFiles, findings, counts));
        boolean leftOut = findings.stream().anyMatch(f -> f.kind() == Finding.Kind.NOT_TRANSLATED);
        return new Outcome(leftOut ? SOMETHING_LEFT_OUT : ALL_TRANSLATED, findings, List.of(), files, counts);
    }

    /** proxy.yaml and the hosts' files, as written from {@code root} and {@code hosts}. */
    private static Map<String, String> files(String cfgName, Map<String, String> nodeFiles, YMap root,
            Map<String, YMap> hosts, String node) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("proxy.yaml", header(cfgName, nodeFiles) + YamlText.write(root));
        for (Map.Entry<String, YMap> h : hosts.entrySet()) {
            YMap doc = new YMap().put("keepalived", h.getValue(), "node " + h.getKey() + ": from "
                    + nodeFiles.get(h.getKey()));
            files.put("hosts/" + h.getKey() + ".yaml", "# Node " + h.getKey() + ": only what differs from proxy.yaml.\n"
                    + YamlText.write(doc));
        }
        if (node != null && hosts.isEmpty()) {
            files.put("hosts/" + node + ".yaml", "# Node " + node + ": only what differs from"
                    + " proxy.yaml (nothing yet).\n{}\n");
        }
        return files;
    }

    private static Map<String, String> yamlOnly(Map<String, String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((k, v) -> {
            if (k.endsWith(".yaml")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String invalidOutput(ConfigException e) {
        StringBuilder sb = new StringBuilder("the imported config does not validate (a bug in the importer; please"
                + " report it with your haproxy.cfg):");
        for (ConfigError err : e.errors()) {
            sb.append("\n  ").append(err);
        }
        return sb.toString();
    }

    private static int lineOf(String label) {
        int colon = label.indexOf(':');
        int space = label.indexOf(' ');
        try {
            return Integer.parseInt(label.substring(colon + 1, space));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static Counts counts(HaproxyConfig config, List<Finding> findings, int routeCases) {
        Set<Integer> all = new HashSet<>();
        for (CfgSection s : config.sections()) {
            all.add(s.header().number());
            s.lines().forEach(l -> all.add(l.number()));
        }
        String file = config.file();
        Set<Integer> notTranslated = lines(findings, file, Finding.Kind.NOT_TRANSLATED);
        Set<Integer> notNeeded = lines(findings, file, Finding.Kind.NOT_NEEDED);
        notNeeded.removeAll(notTranslated);
        Set<Integer> ignored = lines(findings, file, Finding.Kind.IGNORED);
        int lines = all.size() + ignored.size();
        return new Counts(lines, lines - notTranslated.size() - notNeeded.size() - ignored.size(), notTranslated.size(),
                notNeeded.size(), ignored.size(), routeCases);
    }

    private static Set<Integer> lines(List<Finding> findings, String file, Finding.Kind kind) {
        Set<Integer> out = new HashSet<>();
        for (Finding f : findings) {
            if (f.kind() == kind && f.file().equals(file) && f.line() > 0) {
                out.add(f.line());
            }
        }
        return out;
    }

    private static String header(String cfgName, Map<String, String> keepalived) {
        StringBuilder sb = new StringBuilder("# Imported by `pointsman import` from " + cfgName);
        if (!keepalived.isEmpty()) {
            List<String> k = new ArrayList<>();
            keepalived.forEach((node, file) -> k.add(file + " (" + node + ")"));
            sb.append(" and ").append(String.join(", ", k));
        }
        sb.append(".\n# The comment on each entry names the line it came from; README.md lists what was left out.\n");
        return sb.toString();
    }

    /** A keepalived.conf's router_id, the node name when none was given; "lb1" when it has none. */
    private static String routerId(String text) {
        for (String line : text.split("\n")) {
            String[] w = line.replaceAll("[#!].*", "").replace("{", " ").replace("}", " ").trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i++) {
                if (w[i].equals("router_id") && w[i + 1].matches("[A-Za-z0-9_.-]+")) {
                    return w[i + 1];
                }
            }
        }
        return "lb1";
    }

    private static Outcome refused(List<Finding> findings, String problem) {
        List<Finding> sorted = new ArrayList<>(findings);
        Collections.sort(sorted);
        return new Outcome(REFUSED, sorted, List.of(problem), Map.of(), new Counts(0, 0, 0, 0, 0, 0));
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Finding.Kind kind(ParseFinding.Kind k) {
        return switch (k) {
            case ERROR -> Finding.Kind.ERROR;
            case IGNORED -> Finding.Kind.IGNORED;
            case NOTE -> Finding.Kind.NOTE;
        };
    }
}
