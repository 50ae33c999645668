package io.pointsman.proxy.config;

import java.util.List;

/**
 * What the agent renders into keepalived.conf (SPEC §7). {@code configPath} and
 * {@code pidFile} may only be set in host files.
 *
 * @param reloadCommand command run to reload Keepalived; absent = SIGHUP to the pid in {@code pidFile}
 * @param trackAgent    add a vrrp_script on the agent's /healthz to every instance
 * @param trackCheck    interval/fall/rise of that script
 */
public record Keepalived(
        String configPath,
        String pidFile,
        String reloadCommand,
        Boolean trackAgent,
        TrackCheck trackCheck,
        List<VrrpInstance> vrrpInstances) {

    public Keepalived {
        vrrpInstances = Lists.of(vrrpInstances);
    }
}
