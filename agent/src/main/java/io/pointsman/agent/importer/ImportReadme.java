package io.pointsman.agent.importer;

import io.pointsman.agent.importer.report.Finding;
import java.util.List;
import java.util.Map;

/** README.md of an imported repo: where it came from, how to check and run it, and the whole report. */
final class ImportReadme {
    private ImportReadme() {}

    static String render(String cfg, Map<String, String> keepalived, List<Finding> findings, HaproxyImport.Counts c) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Imported from HAProxy\n\n");
        sb.append("This config repo was written by `pointsman import` from `").append(cfg).append('`');
        if (!keepalived.isEmpty()) {
            sb.append(" and ");
            boolean first = true;
            for (Map.Entry<String, String> e : keepalived.entrySet()) {
                sb.append(first ? "" : ", ").append('`').append(e.getValue()).append("` (node ").append(e.getKey()).append(')');
                first = false;
            }
        }
        sb.append(".\n\n");
        sb.append("```\n");
        sb.append("proxy.yaml          the frontends, backends and listens (each entry's comment names its ").append(cfg)
                .append(" line)\n");
        if (!keepalived.isEmpty()) {
            sb.append("hosts/<node>.yaml   each node's own keepalived state and priority\n");
        }
        sb.append("tests/routes.yaml   ").append(c.routeCases()).append(" route tests: for each use_backend rule a request"
                + " that takes it, and one that takes none\n");
        sb.append("```\n\n");
        sb.append("| ").append(cfg).append(" keyword lines | |\n| --- | --- |\n");
        sb.append("| translated | ").append(c.translated()).append(" |\n");
        sb.append("| not translated | ").append(c.notTranslated()).append(" |\n");
        sb.append("| not needed (process management, tuning) | ").append(c.notNeeded()).append(" |\n");
        sb.append("| ignored by HAProxy too | ").append(c.ignored()).append(" |\n\n");
        sb.append("## Check it, run it\n\n```sh\n");
        sb.append("pointsman validate .                 # what every node checks before it applies a commit\n");
        for (String node : keepalived.keySet()) {
            sb.append("pointsman render . --node ").append(node).append("      # the merged config of ").append(node).append('\n');
        }
        sb.append("pointsman run --config .             # serve it from this directory (no git)\n");
        sb.append("git init && git add -A && git commit -m \"Import from HAProxy\"   # then push, and run the nodes"
                + " with --repo\n```\n\n");
        boolean statsSecret = findings.stream().anyMatch(f -> f.message().contains("POINTSMAN_STATS_PASSWORD"));
        boolean vrrpSecret = findings.stream().anyMatch(f -> f.message().contains("VRRP_PASS"));
        if (statsSecret || vrrpSecret) {
            sb.append("## Secrets\n\nThe passwords of the original files are in proxy.yaml as defaults of environment"
                    + " variables, so that it validates as it is. Set ");
            sb.append(statsSecret ? "`POINTSMAN_STATS_PASSWORD`" : "").append(statsSecret && vrrpSecret ? " and " : "")
                    .append(vrrpSecret ? "`VRRP_PASS`" : "");
            sb.append(" on the nodes (or use `${file:/path}`), then delete the `:-…` defaults before the repo is"
                    + " shared.\n\n");
        }
        section(sb, "Not translated", "Left out: Pointsman cannot express these (yet). Routing that depended on them"
                + " differs until they are rewritten by hand.", findings, Finding.Kind.NOT_TRANSLATED);
        section(sb, "Not needed", "Left out on purpose: they have no job in Pointsman.", findings, Finding.Kind.NOT_NEEDED);
        section(sb, "Ignored", "HAProxy ignores these lines (and warns); so does the import.", findings, Finding.Kind.IGNORED);
        section(sb, "Notes", "Translated, with something worth knowing.", findings, Finding.Kind.NOTE);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, String intro, List<Finding> findings, Finding.Kind kind) {
        List<Finding> list = findings.stream().filter(f -> f.kind() == kind).toList();
        if (list.isEmpty()) {
            return;
        }
        sb.append("## ").append(title).append("\n\n").append(intro).append("\n\n");
        for (Finding f : list) {
            String where = f.line() > 0 ? f.file() + ":" + f.line() : f.file();
            sb.append("- `").append(where).append("` ");
            if (f.keyword() != null && !f.keyword().isEmpty()) {
                sb.append('`').append(f.keyword().replace("`", "'")).append("`: ");
            }
            sb.append(f.message()).append('\n');
        }
        sb.append('\n');
    }
}
