package io.pointsman.agent.bgp;

import io.pointsman.proxy.config.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the BIRD 2 include a node's bird.conf pulls in: two {@code protocol static}
 * (IPv4 and IPv6) that hold the announced host routes while the node serves and nothing
 * when it does not. The operator's BGP protocol exports them with
 * {@code export where source = RTS_STATIC;} (or {@code where proto = "pointsman4"}).
 * Both protocols are always there, so their names stay valid in the operator's filters
 * whether or not anything is announced. Pure and deterministic: the same input gives the
 * same bytes, so an unchanged include is not written or reconfigured again.
 */
public final class BirdInclude {
    /** The static protocol holding the IPv4 host routes. */
    public static final String PROTOCOL_V4 = "pointsman4";
    /** The static protocol holding the IPv6 host routes. */
    public static final String PROTOCOL_V6 = "pointsman6";

    private BirdInclude() {}

    /**
     * @param node   named in the header comment
     * @param routes the host routes, as {@link #hostRoutes} gives them
     * @param state  one line for the header: what the include says and why
     *               ({@code announced: the proxy serves}, {@code withdrawn: suspended})
     */
    public static String render(String node, List<String> routes, boolean announce, String state) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Rendered by Pointsman for node ").append(comment(node)).append(": ").append(comment(state)).append(".\n");
        sb.append("# Do not edit: change the bgp section of the config repo (proxy.yaml, hosts/")
                .append(comment(node)).append(".yaml).\n");
        sb.append("# Export these routes from your BGP protocol: export where source = RTS_STATIC;\n");
        protocol(sb, PROTOCOL_V4, "ipv4", announce ? routes.stream().filter(r -> r.indexOf(':') < 0).toList() : List.of());
        protocol(sb, PROTOCOL_V6, "ipv6", announce ? routes.stream().filter(r -> r.indexOf(':') >= 0).toList() : List.of());
        return sb.toString();
    }

    /**
     * The include with nothing announced: what the crash guard writes when the process is
     * gone, and what a stopping or suspended node renders.
     */
    public static String withdrawn(String node, String why) {
        return render(node, List.of(), false, "withdrawn: " + why);
    }

    private static void protocol(StringBuilder sb, String name, String channel, List<String> routes) {
        sb.append('\n');
        sb.append("protocol static ").append(name).append(" {\n");
        sb.append("    ").append(channel).append(";\n");
        for (String r : routes) {
            // Blackhole: the route exists to be exported; the node delivers the address
            // itself (it is on a local interface, and the local table wins over main).
            sb.append("    route ").append(r).append(" blackhole;\n");
        }
        sb.append("}\n");
    }

    /**
     * The validated {@code bgp.announce} values in BIRD's notation: {@code 192.0.2.10/32},
     * {@code 2001:db8::10/128} (a bare address gets its host prefix).
     */
    public static List<String> hostRoutes(List<String> announce) {
        List<String> out = new ArrayList<>();
        for (String a : announce) {
            String text = a.trim();
            Cidr c = Cidr.parse(text); // validated already; this refuses anything else
            out.add(text.indexOf('/') >= 0 ? text : text + "/" + c.prefix());
        }
        return List.copyOf(out);
    }

    /** Comments hold node names and reasons: keep them on one line. */
    private static String comment(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]", " ");
    }
}
