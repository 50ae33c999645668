package io.pointsman.agent.cli;

import io.pointsman.agent.importer.HaproxyImport;
import io.pointsman.agent.importer.report.Finding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman import haproxy.cfg [--keepalived [NODE=]FILE]... [--node NAME] [-o DIR]}
 * (SPEC §12): writes a config repo from an HAProxy (and Keepalived) setup and prints every
 * line it did not translate.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false, exitCodeOnInvalidInput = 1,
        description = {
            "Write a Pointsman config repo from an existing haproxy.cfg (HAProxy 1.4 to 3.x)",
            "and keepalived.conf: proxy.yaml (each entry's comment names the line it came",
            "from), hosts/<node>.yaml (each node's keepalived state and priority),",
            "tests/routes.yaml (a request per routing rule) and README.md.",
            "",
            "Prints every line it did not translate as FILE:LINE: keyword: why. Process",
            "management (daemon, user, chroot, pidfile, stats socket, ...) is listed as not",
            "needed. A file HAProxy itself would refuse is refused, with each error's line.",
            "The directory is written whole or not at all; an existing non-empty one is refused."
        },
        footer = {
            "",
            "Examples:",
            "  pointsman import /etc/haproxy/haproxy.cfg -o lb-config",
            "  pointsman import haproxy.cfg --keepalived keepalived.conf --node lb1",
            "  pointsman import haproxy.cfg --keepalived lb1=lb1/keepalived.conf \\",
            "                               --keepalived lb2=lb2/keepalived.conf -o lb-config",
            "",
            "\"${VAR}\" in haproxy.cfg expand from this environment, as HAProxy would on start.",
            "",
            "Exit status: 0 everything translated, 2 something was left out (see the report),",
            "1 a file that cannot be read or that HAProxy/Keepalived would refuse, or bad usage."
        })
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HAPROXY_CFG", description = "The haproxy.cfg to import.")
    Path haproxyCfg;

    @Option(names = "--keepalived", paramLabel = "[NODE=]FILE",
            description = "A keepalived.conf to import, for node NODE (default: --node, else its router_id)."
                    + " Repeat it for each node of a pair.")
    List<String> keepalived = new ArrayList<>();

    @Option(names = "--node", paramLabel = "NAME",
            description = "The node a single keepalived.conf belongs to; its state and priority go to hosts/NAME.yaml.")
    String node;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "pointsman-config",
            description = "Where to write the repo (must not exist, or be empty). Default: ${DEFAULT-VALUE}.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<HaproxyImport.KeepalivedFile> files = new ArrayList<>();
        for (String k : keepalived) {
            int eq = k.indexOf('=');
            String name = eq > 0 ? k.substring(0, eq) : null;
            if (name != null && !validNode(name)) {
                err.println("pointsman import: bad node name '" + name + "' (letters, digits, '.', '_', '-')");
                err.flush();
                return HaproxyImport.REFUSED;
            }
            files.add(new HaproxyImport.KeepalivedFile(name, Path.of(eq > 0 ? k.substring(eq + 1) : k)));
        }
        if (node != null && !validNode(node)) {
            err.println("pointsman import: bad node name '" + node + "' (letters, digits, '.', '_', '-')");
            err.flush();
            return HaproxyImport.REFUSED;
        }
        HaproxyImport.Outcome o = HaproxyImport.run(new HaproxyImport.Request(haproxyCfg, files, node, output,
                System::getenv));
        print(out, "Not translated", o.findings(), Finding.Kind.NOT_TRANSLATED);
        print(out, "Not needed", o.findings(), Finding.Kind.NOT_NEEDED);
        print(out, "Ignored, as HAProxy does", o.findings(), Finding.Kind.IGNORED);
        print(out, "Notes", o.findings(), Finding.Kind.NOTE);
        out.flush();
        if (o.status() == HaproxyImport.REFUSED) {
            for (Finding f : o.findings()) {
                if (f.kind() == Finding.Kind.ERROR) {
                    err.println(f);
                }
            }
            for (String p : o.problems()) {
                err.println("pointsman import: " + p);
            }
            err.println("pointsman import: nothing written");
            err.flush();
            return HaproxyImport.REFUSED;
        }
        HaproxyImport.Counts c = o.stats();
        out.println(haproxyCfg.getFileName() + ": " + c.lines() + " keyword lines: " + c.translated() + " translated, "
                + c.notTranslated() + " not translated, " + c.notNeeded() + " not needed, " + c.ignored()
                + " ignored by HAProxy too; " + c.routeCases() + " route tests");
        out.println("Wrote " + output + " (" + String.join(", ", o.files().keySet()) + ")");
        out.println("Check it: pointsman validate " + output);
        out.flush();
        return o.status();
    }

    private static void print(PrintWriter out, String title, List<Finding> findings, Finding.Kind kind) {
        List<Finding> list = findings.stream().filter(f -> f.kind() == kind).toList();
        if (list.isEmpty()) {
            return;
        }
        out.println(title + ":");
        for (Finding f : list) {
            out.println("  " + f);
        }
    }

    private static boolean validNode(String n) {
        return n.matches("[A-Za-z0-9_.-]+") && !n.equals(".") && !n.equals("..");
    }
}
