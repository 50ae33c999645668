package io.pointsman.proxy.config;

import java.util.List;

/**
 * One VRRP instance.
 *
 * @param authPass            VRRP PASS authentication; usually a secret
 * @param virtualIpaddresses  VIPs as CIDRs, e.g. {@code 192.0.2.10/24}
 * @param nopreempt           a recovered higher-priority node does not take the VIP back
 */
public record VrrpInstance(
        String name,
        @YamlName("interface") String iface,
        Integer virtualRouterId,
        VrrpState state,
        Integer priority,
        Integer advertInt,
        String authPass,
        List<String> virtualIpaddresses,
        Boolean nopreempt) {

    public VrrpInstance {
        virtualIpaddresses = Lists.of(virtualIpaddresses);
    }

    @Override
    public String toString() {
        return "VrrpInstance[name=" + name + ", interface=" + iface + ", virtualRouterId=" + virtualRouterId
                + ", state=" + state + ", priority=" + priority + ", advertInt=" + advertInt
                + ", authPass=<redacted>, virtualIpaddresses=" + virtualIpaddresses + ", nopreempt=" + nopreempt + "]";
    }
}
