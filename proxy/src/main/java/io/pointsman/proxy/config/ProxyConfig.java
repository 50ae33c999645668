package io.pointsman.proxy.config;

import java.util.List;
import java.util.Optional;

/**
 * The root of proxy.yaml after host overrides are merged in (SPEC §3).
 *
 * @param version    schema version; only 1 exists
 * @param sync       per-node sync options (SPEC §5.8), normally from {@code hosts/<node>.yaml};
 *                   the proxy ignores it, the agent reads it
 * @param keepalived the Keepalived section (SPEC §7); the proxy ignores it
 * @param userlists  users for {@code auth} rules (SPEC §8)
 * @param bgp        the BGP section (SPEC §13): what the agent announces through BIRD; the proxy ignores it
 */
public record ProxyConfig(
        Integer version,
        Global global,
        Defaults defaults,
        Stats stats,
        List<Frontend> frontends,
        List<Backend> backends,
        List<Listen> listens,
        Keepalived keepalived,
        SyncSettings sync,
        List<Userlist> userlists,
        Bgp bgp) {

    public ProxyConfig {
        frontends = Lists.of(frontends);
        backends = Lists.of(backends);
        listens = Lists.of(listens);
        userlists = Lists.of(userlists);
    }

    /** A config without userlists or bgp. */
    public ProxyConfig(Integer version, Global global, Defaults defaults, Stats stats, List<Frontend> frontends,
                       List<Backend> backends, List<Listen> listens, Keepalived keepalived, SyncSettings sync) {
        this(version, global, defaults, stats, frontends, backends, listens, keepalived, sync, null, null);
    }

    /** A userlist by name. */
    public Optional<Userlist> userlist(String name) {
        return userlists.stream().filter(u -> name.equals(u.name())).findFirst();
    }

    /** A backend or a listen (which is also a backend) by name. */
    public Optional<Backend> backend(String name) {
        for (Backend b : backends) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        for (Listen l : listens) {
            if (l.name().equals(name)) {
                return Optional.of(l.asBackend());
            }
        }
        return Optional.empty();
    }

    /** Every frontend, listens included (as the frontend half of each listen). */
    public List<Frontend> allFrontends() {
        List<Frontend> all = new java.util.ArrayList<>(frontends);
        for (Listen l : listens) {
            all.add(l.asFrontend());
        }
        return List.copyOf(all);
    }

    /** Every backend, listens included (as the backend half of each listen). */
    public List<Backend> allBackends() {
        List<Backend> all = new java.util.ArrayList<>(backends);
        for (Listen l : listens) {
            all.add(l.asBackend());
        }
        return List.copyOf(all);
    }
}
