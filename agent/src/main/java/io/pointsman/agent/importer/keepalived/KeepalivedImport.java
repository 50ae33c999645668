package io.pointsman.agent.importer.keepalived;

import io.pointsman.agent.importer.report.Finding;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.agent.importer.yaml.YNode;
import io.pointsman.agent.importer.yaml.YScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * keepalived.conf of one or more nodes → the {@code keepalived:} section of proxy.yaml and
 * each node's {@code hosts/<node>.yaml}. What every node has in common goes to proxy.yaml;
 * each node's {@code state} and {@code priority}, and anything else that differs, go to its
 * host file (the blog's "a bit of a pain to keep this config in version control", solved by
 * the merge of SPEC §2). A {@code vrrp_script} that checks HAProxy becomes
 * {@code track_agent: true}: Pointsman's own /healthz check.
 */
public final class KeepalivedImport {
    /** One node's keepalived.conf. */
    public record NodeFile(String node, String file, String text) {
    }

    /** The shared section, each node's overrides, what the report says, and whether the input was refused. */
    public record Result(YMap shared, Map<String, YMap> hosts, List<Finding> findings, boolean failed) {
    }

    private static final Set<String> PER_NODE = Set.of("state", "priority");
    private static final Set<String> NO_EQUIVALENT = Set.of("garp_master_delay", "garp_master_repeat",
            "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat",
            "preempt_delay", "dont_track_primary", "use_vmac", "vmac_xmit_base", "native_ipv6", "accept", "no_accept",
            "strict_mode", "debug", "lvs_sync_daemon_interface", "version", "vrrp_version", "mcast_src_ip",
            "skip_check_adv_addr", "higher_prio_send_advert", "kernel_rx_buf_size", "check_unicast_src");

    private final List<Finding> findings = new ArrayList<>();
    private boolean failed;

    private KeepalivedImport() {}

    /** One node's instances, scripts and settings, each field with its line. */
    private static final class NodeDraft {
        final NodeFile file;
        final Map<String, Map<String, Field>> instances = new LinkedHashMap<>();
        final Map<String, Map<String, Field>> scripts = new LinkedHashMap<>();
        final Map<String, List<Field>> tracks = new LinkedHashMap<>();
        String routerId;

        NodeDraft(NodeFile file) {
            this.file = file;
        }
    }

    private record Field(Object value, int line) {
    }

    public static Result translate(List<NodeFile> nodes) {
        KeepalivedImport k = new KeepalivedImport();
        return k.run(nodes);
    }

    private Result run(List<NodeFile> nodes) {
        List<NodeDraft> drafts = new ArrayList<>();
        for (NodeFile n : nodes) {
            KeepalivedConfParser.Result parsed = KeepalivedConfParser.parse(n.text());
            for (KeepalivedConfParser.Problem p : parsed.problems()) {
                add(n, p.line(), "", Finding.Kind.ERROR, p.message());
            }
            NodeDraft d = new NodeDraft(n);
            for (ConfBlock b : parsed.top()) {
                top(d, b);
            }
            if (parsed.problems().isEmpty() && d.instances.isEmpty()) {
                add(n, 1, "", Finding.Kind.ERROR, "no vrrp_instance: nothing for Pointsman's keepalived section (it"
                        + " keeps the virtual addresses of vrrp instances)");
            }
            drafts.add(d);
        }
        YMap shared = new YMap();
        Map<String, YMap> hosts = new LinkedHashMap<>();
        for (NodeDraft d : drafts) {
            YMap h = new YMap();
            h.put("config_path", "/etc/keepalived/keepalived.conf", "where " + d.file.file() + " was (usually)");
            h.put("pid_file", "/run/keepalived.pid");
            hosts.put(d.file.node(), h);
        }
        trackAgent(drafts, shared);
        YList instances = new YList();
        Set<String> names = new LinkedHashSet<>();
        for (NodeDraft d : drafts) {
            names.addAll(d.instances.keySet());
        }
        for (String name : names) {
            instance(name, drafts, instances, hosts);
        }
        if (!instances.isEmpty()) {
            shared.put("vrrp_instances", instances);
        }
        return new Result(shared, hosts, List.copyOf(findings), failed);
    }

    private void top(NodeDraft d, ConfBlock b) {
        switch (b.keyword()) {
            case "vrrp_instance" -> {
                if (b.arg(0) == null || !b.block()) {
                    add(d.file, b.line(), "vrrp_instance", Finding.Kind.ERROR, "expects a name and a { … } block");
                    return;
                }
                instanceBlock(d, b);
            }
            case "vrrp_script" -> {
                if (b.arg(0) == null || !b.block()) {
                    add(d.file, b.line(), "vrrp_script", Finding.Kind.ERROR, "expects a name and a { … } block");
                    return;
                }
                Map<String, Field> s = new LinkedHashMap<>();
                s.put("_line", new Field(b.line(), b.line()));
                for (ConfBlock c : b.children()) {
                    s.put(c.keyword(), new Field(String.join(" ", c.args()), c.line()));
                }
                d.scripts.put(b.arg(0), s);
            }
            case "global_defs" -> {
                for (ConfBlock c : b.children()) {
                    switch (c.keyword()) {
                        case "router_id" -> {
                            d.routerId = c.arg(0);
                            add(d.file, c.line(), "router_id", Finding.Kind.NOT_NEEDED, "Pointsman writes the node"
                                    + " name (--node) as router_id");
                        }
                        case "enable_script_security", "script_user" -> add(d.file, c.line(), c.keyword(),
                                Finding.Kind.NOT_NEEDED, "Pointsman writes it itself");
                        default -> add(d.file, c.line(), c.keyword(), Finding.Kind.NOT_TRANSLATED,
                                c.keyword().startsWith("notification_email") || c.keyword().startsWith("smtp_")
                                        ? "e-mail notification has no Pointsman equivalent (SPEC §11 notifications)"
                                        : "global_defs setting with no Pointsman equivalent");
                    }
                }
            }
            case "virtual_server", "virtual_server_group", "real_server" -> add(d.file, b.line(), b.keyword(),
                    Finding.Kind.NOT_TRANSLATED, "IPVS (LVS) load balancing is not imported: Pointsman is the"
                            + " load balancer (the " + count(b) + " lines of the block with it)");
            case "vrrp_sync_group" -> add(d.file, b.line(), b.keyword(), Finding.Kind.NOT_TRANSLATED,
                    "sync groups are not supported by Pointsman's keepalived section");
            case "include" -> add(d.file, b.line(), b.keyword(), Finding.Kind.NOT_TRANSLATED, "included files are"
                    + " not read: paste their content in, or import them as well");
            default -> add(d.file, b.line(), b.keyword(), Finding.Kind.NOT_TRANSLATED, "no Pointsman equivalent"
                    + (b.block() ? " (the " + count(b) + " lines of the block with it)" : ""));
        }
    }

    private static int count(ConfBlock b) {
        int n = 0;
        for (ConfBlock c : b.children()) {
            n += 1 + count(c);
        }
        return n;
    }

    private void instanceBlock(NodeDraft d, ConfBlock b) {
        Map<String, Field> f = new LinkedHashMap<>();
        f.put("_line", new Field(b.line(), b.line()));
        String name = b.arg(0);
        for (ConfBlock c : b.children()) {
            String k = c.keyword();
            switch (k) {
                case "state" -> {
                    String s = c.arg(0) == null ? "" : c.arg(0).toUpperCase(Locale.ROOT);
                    if (!s.equals("MASTER") && !s.equals("BACKUP")) {
                        add(d.file, c.line(), k, Finding.Kind.ERROR, "state must be MASTER or BACKUP");
                    } else {
                        f.put("state", new Field(s, c.line()));
                    }
                }
                case "interface" -> {
                    // Linux names an interface in at most 15 bytes (IFNAMSIZ): keepalived could not bind a longer one.
                    if (c.arg(0) != null && !c.arg(0).matches("[^/\\s]{1,15}")) {
                        add(d.file, c.line(), c.keyword(), Finding.Kind.ERROR, "'" + c.arg(0) + "' is no interface"
                                + " name (1-15 characters, no '/' or spaces)");
                    } else {
                        string(d, c, f, "interface");
                    }
                }
                case "virtual_router_id" -> number(d, c, f, "virtual_router_id", 1, 255);
                case "priority" -> number(d, c, f, "priority", 1, 254);
                case "advert_int" -> number(d, c, f, "advert_int", 1, 255);
                case "nopreempt" -> f.put("nopreempt", new Field(true, c.line()));
                case "authentication" -> {
                    for (ConfBlock a : c.children()) {
                        if (a.keyword().equals("auth_type")) {
                            if (!"PASS".equalsIgnoreCase(a.arg(0))) {
                                add(d.file, a.line(), "auth_type", Finding.Kind.NOT_TRANSLATED,
                                        "only PASS authentication is supported by Pointsman's keepalived section");
                            }
                        } else if (a.keyword().equals("auth_pass") && a.arg(0) != null) {
                            f.put("auth_pass", new Field(a.arg(0), a.line()));
                            add(d.file, a.line(), "auth_pass", Finding.Kind.NOTE, "the password is in proxy.yaml as the"
                                    + " default of ${env:VRRP_PASS}: set that variable on the nodes and delete the default");
                        } else {
                            add(d.file, a.line(), a.keyword(), Finding.Kind.NOT_TRANSLATED, "no Pointsman equivalent");
                        }
                    }
                }
                case "virtual_ipaddress" -> {
                    List<String> vips = new ArrayList<>();
                    for (ConfBlock v : c.children()) {
                        vips.add(v.keyword());
                        if (!v.args().isEmpty()) {
                            add(d.file, v.line(), v.keyword(), Finding.Kind.NOT_TRANSLATED, "'" + String.join(" ", v.args())
                                    + "': Pointsman puts every VIP on the instance's interface, without labels");
                        }
                        try {
                            io.pointsman.proxy.config.Cidr.parse(v.keyword());
                        } catch (IllegalArgumentException e) {
                            add(d.file, v.line(), v.keyword(), Finding.Kind.ERROR, "not an IP address: " + e.getMessage());
                        }
                    }
                    f.put("virtual_ipaddresses", new Field(vips, c.line()));
                }
                case "track_script" -> {
                    for (ConfBlock s : c.children()) {
                        d.tracks.computeIfAbsent(name, x -> new ArrayList<>()).add(new Field(s.keyword(), s.line()));
                        if (!s.args().isEmpty()) {
                            add(d.file, s.line(), s.keyword(), Finding.Kind.NOT_TRANSLATED, "'" + String.join(" ", s.args())
                                    + "': Pointsman's agent check gives up the VIP rather than changing the priority");
                        }
                    }
                }
                case "track_interface", "track_process", "track_file", "track_bfd" -> add(d.file, c.line(), k,
                        Finding.Kind.NOT_TRANSLATED, "Pointsman's keepalived section tracks the agent only (track_agent)");
                case "unicast_src_ip", "unicast_peer" -> add(d.file, c.line(), k, Finding.Kind.NOT_TRANSLATED,
                        "unicast VRRP is not supported by Pointsman's keepalived section");
                case "virtual_ipaddress_excluded", "virtual_routes", "virtual_rules" -> add(d.file, c.line(), k,
                        Finding.Kind.NOT_TRANSLATED, "no Pointsman equivalent");
                default -> {
                    if (k.startsWith("notify") || k.equals("smtp_alert")) {
                        add(d.file, c.line(), k, Finding.Kind.NOT_TRANSLATED, "notifications on state changes have no"
                                + " Pointsman equivalent (SPEC §11 notifications)");
                    } else if (NO_EQUIVALENT.contains(k)) {
                        add(d.file, c.line(), k, Finding.Kind.NOT_TRANSLATED, "no Pointsman equivalent");
                    } else {
                        add(d.file, c.line(), k, Finding.Kind.NOT_TRANSLATED, "unknown to the importer");
                    }
                }
            }
        }
        for (String required : List.of("interface", "virtual_router_id", "virtual_ipaddresses")) {
            if (!f.containsKey(required)) {
                add(d.file, b.line(), "vrrp_instance " + name, Finding.Kind.ERROR, "has no "
                        + (required.equals("virtual_ipaddresses") ? "virtual_ipaddress" : required));
            }
        }
        d.instances.put(name, f);
    }

    private void string(NodeDraft d, ConfBlock c, Map<String, Field> f, String key) {
        if (c.arg(0) == null) {
            add(d.file, c.line(), c.keyword(), Finding.Kind.ERROR, "expects a value");
            return;
        }
        f.put(key, new Field(c.arg(0), c.line()));
    }

    private void number(NodeDraft d, ConfBlock c, Map<String, Field> f, String key, int min, int max) {
        String v = c.arg(0);
        if (v == null || !v.matches("\\d{1,3}")) {
            add(d.file, c.line(), c.keyword(), Finding.Kind.NOT_TRANSLATED, "'" + v + "' is not a whole number"
                    + " Pointsman takes (" + min + "-" + max + ")");
            return;
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            add(d.file, c.line(), c.keyword(), Finding.Kind.NOT_TRANSLATED, n + " is out of Pointsman's range " + min
                    + "-" + max);
            return;
        }
        f.put(key, new Field(n, c.line()));
    }

    /** Scripts that check HAProxy become track_agent; others are reported. */
    private void trackAgent(List<NodeDraft> drafts, YMap shared) {
        boolean agent = false;
        YMap timing = null;
        for (NodeDraft d : drafts) {
            Set<String> tracked = new LinkedHashSet<>();
            d.tracks.values().forEach(l -> l.forEach(f -> tracked.add((String) f.value())));
            for (Map.Entry<String, Map<String, Field>> s : d.scripts.entrySet()) {
                Map<String, Field> f = s.getValue();
                int line = (Integer) f.get("_line").value();
                String script = f.containsKey("script") ? (String) f.get("script").value() : "";
                if (!tracked.contains(s.getKey())) {
                    add(d.file, line, "vrrp_script " + s.getKey(), Finding.Kind.NOT_NEEDED, "no vrrp_instance tracks it");
                    continue;
                }
                if (!script.toLowerCase(Locale.ROOT).contains("haproxy")) {
                    add(d.file, line, "vrrp_script " + s.getKey(), Finding.Kind.NOT_TRANSLATED, "'" + script + "' does"
                            + " not check HAProxy; Pointsman's keepalived section tracks the agent only (track_agent)");
                    continue;
                }
                agent = true;
                add(d.file, line, "vrrp_script " + s.getKey(), Finding.Kind.NOTE, "'" + script + "' checked HAProxy:"
                        + " now track_agent (the node gives up its VIPs when Pointsman does not serve)");
                YMap tm = new YMap();
                seconds(f, "interval", tm);
                integer(f, "fall", tm);
                integer(f, "rise", tm);
                if (timing == null && !tm.isEmpty()) {
                    timing = tm;
                }
                for (String k : f.keySet()) {
                    if (!Set.of("_line", "script", "interval", "fall", "rise", "timeout").contains(k)) {
                        add(d.file, f.get(k).line(), k, Finding.Kind.NOT_TRANSLATED, "Pointsman's agent check gives up"
                                + " the VIP rather than changing the priority");
                    }
                }
            }
            for (Map.Entry<String, List<Field>> t : d.tracks.entrySet()) {
                for (Field f : t.getValue()) {
                    if (!d.scripts.containsKey((String) f.value())) {
                        add(d.file, f.line(), (String) f.value(), Finding.Kind.ERROR, "no vrrp_script of that name");
                    }
                }
            }
        }
        if (agent) {
            shared.put("track_agent", true, "vrrp_script checking HAProxy");
            if (timing != null) {
                shared.put("track_check", timing);
            }
        }
    }

    private static void seconds(Map<String, Field> f, String key, YMap out) {
        Field v = f.get(key);
        if (v != null && ((String) v.value()).matches("\\d{1,6}")) {
            out.put(key, v.value() + "s");
        }
    }

    private static void integer(Map<String, Field> f, String key, YMap out) {
        Field v = f.get(key);
        if (v != null && ((String) v.value()).matches("\\d{1,6}")) {
            out.put(key, Integer.parseInt((String) v.value()));
        }
    }

    /**
     * One instance: the first node that has it gives the shared values; a node whose value
     * differs gets it in its host file; {@code state} and {@code priority} always go to host files.
     */
    private void instance(String name, List<NodeDraft> drafts, YList shared, Map<String, YMap> hosts) {
        NodeDraft first = null;
        for (NodeDraft d : drafts) {
            if (d.instances.containsKey(name)) {
                first = d;
                break;
            }
        }
        Map<String, Field> base = first.instances.get(name);
        YMap s = new YMap().put("name", name);
        for (String key : List.of("interface", "virtual_router_id", "advert_int", "nopreempt", "auth_pass",
                "virtual_ipaddresses")) {
            Field f = base.get(key);
            if (f != null) {
                s.put(key, value(key, f.value()), first.file.file() + ":" + f.line());
            }
        }
        shared.add(s, first.file.file() + ":" + base.get("_line").line() + ": vrrp_instance " + name);
        for (NodeDraft d : drafts) {
            YList list = hosts.get(d.file.node()).list("vrrp_instances");
            Map<String, Field> mine = d.instances.get(name);
            if (mine == null) {
                list.add(new YMap().put("name", name).put("delete", true), "not in " + d.file.file());
                continue;
            }
            YMap o = new YMap().put("name", name);
            for (Map.Entry<String, Field> e : mine.entrySet()) {
                String key = e.getKey();
                if (key.equals("_line")) {
                    continue;
                }
                Field b = base.get(key);
                if (PER_NODE.contains(key) || b == null || !Objects.equals(b.value(), e.getValue().value())) {
                    o.put(key, value(key, e.getValue().value()), d.file.file() + ":" + e.getValue().line());
                }
            }
            for (String key : base.keySet()) {
                if (!key.equals("_line") && !mine.containsKey(key) && !PER_NODE.contains(key)) {
                    o.put(key, new YScalar(null), "set in " + first.file.file() + ", not in " + d.file.file());
                }
            }
            list.add(o);
        }
    }

    private static YNode value(String key, Object v) {
        if (key.equals("auth_pass")) {
            return YNode.of("${env:VRRP_PASS:-" + v + "}");
        }
        if (v instanceof List<?> l) {
            YList out = new YList();
            for (Object x : l) {
                out.add(x);
            }
            return out;
        }
        return new YScalar(v);
    }

    private void add(NodeFile n, int line, String keyword, Finding.Kind kind, String message) {
        if (kind == Finding.Kind.ERROR) {
            failed = true;
        }
        findings.add(new Finding(n.file(), line, keyword, kind, message));
    }
}
