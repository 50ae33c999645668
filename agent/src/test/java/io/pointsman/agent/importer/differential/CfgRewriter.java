package io.pointsman.agent.importer.differential;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.HaproxyParser;
import io.pointsman.proxy.config.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves a haproxy.cfg onto loopback so that it runs here, the same way for both proxies:
 * every listening address becomes {@code SIDE_IP:PORT} (a port per bind, the same for
 * both sides, only the IP differs: 127.0.0.2 for HAProxy, 127.0.0.3 for Pointsman), every
 * server becomes its {@link EchoBackend}, IPv4 networks in {@code src} matches move into
 * 127.0.0.0/8 ({@code a.b.c.d/n} → {@code 127.b.c.d/max(n,8)}, and {@code dst_port} values
 * follow their bind's new port), {@code crt} files become the test certificate and
 * {@code ca-file} files its CA ({@link TestTls}), and lines
 * that need root or a syslog (daemon, user, chroot, pidfile, stats socket, log …) are
 * commented out. The 1.x {@code listen NAME ADDRESS} becomes a {@code bind} line.
 */
final class CfgRewriter {
    private static final Set<String> DROPPED = Set.of("daemon", "user", "group", "uid", "gid", "chroot", "pidfile",
            "log", "nbproc", "master-worker", "ulimit-n", "cpu-map", "log-send-hostname", "quiet");

    /** Where the harness put things. */
    record Plan(Map<String, Integer> bindPorts, Map<String, Integer> serverPorts, Map<Integer, Integer> portMap) {
        /** The port of the {@code index}-th address of a proxy's binds, in file order. */
        static String bindKey(String proxy, int index) {
            return proxy + "#" + index;
        }
    }

    private CfgRewriter() {}

    /**
     * @param sideIp 127.0.0.2 or 127.0.0.3
     */
    static String rewrite(String text, String sideIp, Plan plan, Path pem, Path ca) {
        HaproxyConfig cfg = HaproxyParser.parse("haproxy.cfg", text.getBytes(StandardCharsets.UTF_8), v -> null);
        Map<Integer, String> replaced = new HashMap<>();
        for (CfgSection s : cfg.sections()) {
            int bindIndex = 0;
            if (s.address() != null) {
                String head = s.kind().keyword() + " " + s.name();
                replaced.put(s.header().number(), head + "\n    bind " + sideIp + ":"
                        + plan.bindPorts().get(Plan.bindKey(s.name(), bindIndex++)));
            }
            for (CfgLine l : s.lines()) {
                String k = l.keyword();
                boolean global = s.kind() == io.pointsman.agent.importer.haproxy.SectionKind.GLOBAL;
                if ((DROPPED.contains(k) && (global || k.equals("log"))) || (k.equals("stats") && "socket".equals(l.word(1)))) {
                    replaced.put(l.number(), "# harness: " + l.text().strip());
                    continue;
                }
                if (k.equals("maxconn") && s.kind() == io.pointsman.agent.importer.haproxy.SectionKind.GLOBAL
                        && l.word(1) != null && l.word(1).matches("\\d+") && Long.parseLong(l.word(1)) > 4096) {
                    // HAProxy raises its file-descriptor limit to about 2 x maxconn at start.
                    replaced.put(l.number(), "    maxconn 4096 # harness: was " + l.word(1));
                    continue;
                }
                List<String> w = new ArrayList<>(l.words());
                if (l.modifier() != null) {
                    w.add(0, l.modifier());
                }
                boolean changed = false;
                int off = l.modifier() != null ? 1 : 0;
                if (k.equals("bind")) {
                    String[] addrs = w.get(off + 1).split(",");
                    List<String> out = new ArrayList<>();
                    for (String a : addrs) {
                        out.add(sideIp + ":" + plan.bindPorts().get(Plan.bindKey(s.name(), bindIndex++)));
                    }
                    w.set(off + 1, String.join(",", out));
                    changed = true;
                }
                if (k.equals("server") && w.size() > off + 2) {
                    w.set(off + 2, "127.0.0.1:" + plan.serverPorts().get(s.name() + "/" + w.get(off + 1)));
                    changed = true;
                }
                for (int i = 0; i < w.size(); i++) {
                    if (w.get(i).equals("crt") && i + 1 < w.size()) {
                        w.set(i + 1, pem.toString());
                        changed = true;
                    }
                    if (w.get(i).equals("ca-file") && i + 1 < w.size() && !w.get(i + 1).equals("@system-ca")) {
                        w.set(i + 1, ca.toString());
                        changed = true;
                    }
                }
                if (k.equals("acl") || k.equals("use_backend") || k.equals("http-request") || k.equals("tcp-request")
                        || k.equals("redirect") || k.equals("block")) {
                    changed |= mapMatches(w, plan);
                }
                if (changed) {
                    replaced.put(l.number(), "    " + join(w));
                }
            }
        }
        String[] lines = text.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String r = replaced.get(i + 1);
            sb.append(r != null ? r : lines[i]);
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Moves src networks into 127/8 and dst_port values to the new ports; true when it changed a word. */
    private static boolean mapMatches(List<String> w, Plan plan) {
        boolean changed = false;
        String fetch = null;
        for (int i = 0; i < w.size(); i++) {
            String word = w.get(i);
            if (word.equals("src") || word.startsWith("src,") || word.equals("dst_port")) {
                fetch = word.startsWith("src") ? "src" : "dst_port";
                continue;
            }
            if (fetch == null) {
                continue;
            }
            if (fetch.equals("dst_port")) {
                if (word.matches("\\d{1,5}")) {
                    Integer to = plan.portMap().get(Integer.parseInt(word));
                    if (to != null) {
                        w.set(i, to.toString());
                        changed = true;
                    }
                } else if (!word.matches("eq|ge|gt|le|lt|-.*")) {
                    fetch = null;
                }
                continue;
            }
            if (fetch.equals("src")) {
                String m = mapNetwork(word);
                if (m == null) {
                    if (!word.startsWith("-")) {
                        fetch = null;
                    }
                    continue;
                }
                if (!m.equals(word)) {
                    w.set(i, m);
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** {@code a.b.c.d[/n]} → {@code 127.b.c.d[/max(n,8)]}; other networks unchanged; null if not a network. */
    static String mapNetwork(String word) {
        int slash = word.indexOf('/');
        String addr = slash < 0 ? word : word.substring(0, slash);
        byte[] b = Cidr.literal(addr);
        if (b == null) {
            return null;
        }
        if (b.length != 4) {
            return word;
        }
        b[0] = 127;
        String mapped;
        try {
            mapped = InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        if (slash < 0) {
            return mapped;
        }
        String prefix = word.substring(slash + 1);
        if (prefix.matches("\\d+")) {
            return mapped + "/" + Math.max(8, Integer.parseInt(prefix));
        }
        return mapped + "/" + prefix;
    }

    private static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (w.matches("[^\\s\"'#\\\\$]+")) {
                sb.append(w);
            } else {
                sb.append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$")
                        .replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")).append('"');
            }
        }
        return sb.toString();
    }
}
