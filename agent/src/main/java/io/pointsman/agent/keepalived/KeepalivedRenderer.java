package io.pointsman.agent.keepalived;

import io.pointsman.proxy.config.Keepalived;
import io.pointsman.proxy.config.TrackCheck;
import io.pointsman.proxy.config.VrrpInstance;
import java.time.Duration;

/**
 * Renders a {@link Keepalived} section into keepalived.conf text. Pure and
 * deterministic: the same section, node and health-check script give the same bytes, so
 * the agent can skip the reload when nothing changed. The text holds the VRRP password
 * (Keepalived needs it): never log it.
 */
public final class KeepalivedRenderer {
    /** Name of the vrrp_script that tracks the agent's /healthz. */
    public static final String TRACK_SCRIPT = "chk_pointsman";
    /** Name of the track_file the agent writes: 0 = serving, anything else = give up the VIP now. */
    public static final String TRACK_FILE = "pointsman_state";
    private static final TrackCheck DEFAULT_TRACK = new TrackCheck(Duration.ofSeconds(1), 2, 2);

    private KeepalivedRenderer() {}

    /**
     * @param node        the node name, written as router_id and in the header comment
     * @param checkScript absolute path of the script that exits 0 when /healthz answers 200;
     *                    used when {@code track_agent} is true
     * @param stateFile   absolute path of the file the agent writes 0 (serving) or 1 (stopping)
     *                    to, and the node's crash guard 1 when the process dies; Keepalived
     *                    watches it with inotify, so a stop or a crash releases the VIP at once
     *                    instead of after {@code fall} failed checks
     */
    public static String render(Keepalived k, String node, String checkScript, String stateFile) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Rendered by Pointsman for node ").append(node).append(".\n");
        sb.append("# Do not edit: change the keepalived section of the config repo (proxy.yaml, hosts/")
                .append(node).append(".yaml).\n\n");
        sb.append("global_defs {\n");
        sb.append("    router_id ").append(word(node)).append('\n');
        sb.append("    script_user root\n");
        sb.append("    enable_script_security\n");
        sb.append("}\n");
        boolean track = Boolean.TRUE.equals(k.trackAgent());
        if (track) {
            TrackCheck t = k.trackCheck() == null ? DEFAULT_TRACK : k.trackCheck();
            long interval = seconds(t.interval() != null ? t.interval() : DEFAULT_TRACK.interval());
            sb.append('\n');
            sb.append("vrrp_script ").append(TRACK_SCRIPT).append(" {\n");
            sb.append("    script \"").append(checkScript).append("\"\n");
            sb.append("    interval ").append(interval).append('\n');
            sb.append("    timeout ").append(interval).append('\n');
            sb.append("    fall ").append(t.fall() != null ? t.fall() : DEFAULT_TRACK.fall()).append('\n');
            sb.append("    rise ").append(t.rise() != null ? t.rise() : DEFAULT_TRACK.rise()).append('\n');
            sb.append("}\n");
            sb.append('\n');
            sb.append("track_file ").append(TRACK_FILE).append(" {\n");
            sb.append("    file \"").append(stateFile).append("\"\n");
            sb.append("    weight 0\n");
            sb.append("    init_file 1\n");
            sb.append("}\n");
        }
        for (VrrpInstance v : k.vrrpInstances()) {
            sb.append('\n');
            sb.append("vrrp_instance ").append(word(v.name())).append(" {\n");
            sb.append("    state ").append(v.state() != null ? v.state().name() : "BACKUP").append('\n');
            sb.append("    interface ").append(word(v.iface())).append('\n');
            sb.append("    virtual_router_id ").append(v.virtualRouterId()).append('\n');
            sb.append("    priority ").append(v.priority() != null ? v.priority() : 100).append('\n');
            sb.append("    advert_int ").append(v.advertInt() != null ? v.advertInt() : 1).append('\n');
            if (Boolean.TRUE.equals(v.nopreempt())) {
                sb.append("    nopreempt\n");
            }
            if (v.authPass() != null && !v.authPass().isEmpty()) {
                sb.append("    authentication {\n");
                sb.append("        auth_type PASS\n");
                sb.append("        auth_pass ").append(word(v.authPass())).append('\n');
                sb.append("    }\n");
            }
            sb.append("    virtual_ipaddress {\n");
            for (String vip : v.virtualIpaddresses()) {
                sb.append("        ").append(word(vip)).append('\n');
            }
            sb.append("    }\n");
            if (track) {
                sb.append("    track_script {\n");
                sb.append("        ").append(TRACK_SCRIPT).append('\n');
                sb.append("    }\n");
                sb.append("    track_file {\n");
                sb.append("        ").append(TRACK_FILE).append('\n');
                sb.append("    }\n");
            }
            sb.append("}\n");
        }
        return sb.toString();
    }

    /**
     * The health-check script: exits 0 only when the agent's /healthz answers 200 within
     * a second. Uses curl when present, else bash's /dev/tcp, so nodes need nothing extra.
     */
    public static String checkScript(String host, int port) {
        String url = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/healthz";
        return "#!/bin/bash\n"
                + "# Written by Pointsman: Keepalived's vrrp_script " + TRACK_SCRIPT + ".\n"
                + "# Exit 0 when the local Pointsman serves a good config (GET /healthz = 200).\n"
                + "if command -v curl >/dev/null 2>&1; then\n"
                + "  exec curl -fsS -m 1 -o /dev/null '" + url + "'\n"
                + "fi\n"
                + "exec 3<>/dev/tcp/" + host + "/" + port + " || exit 1\n"
                + "printf 'GET /healthz HTTP/1.0\\r\\nHost: " + host + "\\r\\n\\r\\n' >&3\n"
                + "read -r -t 1 status_line <&3 || exit 1\n"
                + "case \"$status_line\" in \"HTTP/1.\"?\" 200 \"*) exit 0 ;; *) exit 1 ;; esac\n";
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** Values go into a whitespace-separated format: refuse anything that could break out of a line. */
    private static String word(String s) {
        if (s == null || s.isEmpty() || !s.matches("[^\\s{}\"#!]+")) {
            // The value may be a secret (auth_pass): say what is wrong, never what it is.
            throw new IllegalArgumentException("a keepalived value is empty or holds whitespace or one of {}\"#!");
        }
        return s;
    }
}
