package io.pointsman.proxy.resolve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one {@code server_template}: a fixed number of slots, each a
 * {@link ServerAddress} that new connections read, filled from DNS by {@link #refresh} (on
 * the apply thread for a new template, then on the resolution thread every interval).
 *
 * <p>A slot's occupant is what the answer names it by: an address of a host name's A/AAAA
 * records, or an SRV record's target and port. A slot keeps its occupant while the answer
 * still has it, so its counters, health and source hashing stay with it (HAProxy keeps a
 * server's address while the answer has it, too); an occupant the answer drops frees its
 * slot at once (empty: no traffic, {@code MAINT (resolution)}), and a new one takes the
 * first free slot. Occupants past the number of slots wait for one to free. An SRV
 * occupant is at its target's address (the one it had, while the target still resolves to
 * it) and the record's port, with the record's weight mapped as HAProxy does
 * ({@code (weight + 255) / 256}). When the name does not resolve, nothing changes: every
 * slot keeps its address for {@code hold_valid} ({@link ServerAddress#valid()}).
 */
public final class TemplateSlots {
    private static final Logger log = LoggerFactory.getLogger(TemplateSlots.class);

    private final String label;
    private final String name;
    private final int port;
    private final boolean srv;
    private final ServerAddress[] slots;
    /** What fills each slot (an address, or an SRV target:port); null = free. Guarded by this. */
    private final String[] occupants;
    /** Occupants left out for want of a slot, last time (logged when it changes). Guarded by this. */
    private int leftOut;
    /** Why the last resolution failed; null when it worked (the resolution thread only). */
    private String failing;

    /**
     * @param label what logs call it ({@code backend/address#count})
     * @param name  the A/AAAA host name or the SRV name
     * @param port  the template's port (A/AAAA), or {@code HostPort.NO_PORT}
     * @param srv   an SRV name
     * @param count how many slots
     */
    TemplateSlots(String label, String name, int port, boolean srv, int count) {
        this.label = label;
        this.name = name;
        this.port = port;
        this.srv = srv;
        this.slots = new ServerAddress[count];
        this.occupants = new String[count];
        for (int i = 0; i < count; i++) {
            slots[i] = ServerAddress.emptySlot(name, port);
        }
    }

    public String name() {
        return name;
    }

    /** What logs call it: {@code backend/address#count}. */
    public String label() {
        return label;
    }

    /** Slot {@code i} (0-based), the same object for the template's life. */
    public ServerAddress slot(int i) {
        return slots[i];
    }

    public int size() {
        return slots.length;
    }

    /** What fills each slot now, null for a free one (for tests and diagnostics). */
    public synchronized List<String> occupants() {
        List<String> out = new ArrayList<>(occupants.length);
        for (String o : occupants) {
            out.add(o);
        }
        return out;
    }

    /**
     * Notes the outcome of a round: {@code why} it failed, or null when it worked.
     *
     * @return whether that changed (worked after failing, or failed after working)
     */
    boolean failing(String why) {
        boolean changed = (failing == null) != (why == null);
        failing = why;
        return changed;
    }

    void holdValid(long nanos) {
        for (ServerAddress s : slots) {
            s.holdValid(nanos);
        }
    }

    /**
     * Asks DNS and fills the slots from the answer.
     *
     * @return whether a slot's weight changed (balancers that precompute must be built again)
     * @throws UnknownHostException when the name does not resolve: nothing changed
     */
    synchronized boolean refresh(HostResolver resolver) throws UnknownHostException {
        Map<String, Occupant> answer = srv ? srvAnswer(resolver) : addressAnswer(resolver);
        boolean weights = false;
        // Keep who is still there, free the others.
        for (int i = 0; i < slots.length; i++) {
            String o = occupants[i];
            if (o == null) {
                continue;
            }
            Occupant now = answer.remove(o);
            if (now == null) {
                occupants[i] = null;
                weights |= slots[i].weight() >= 0;
                slots[i].empty(o + " is no longer in the answer for " + name);
                log.info("server_template {}: {} left the answer; its slot {} is empty", label, o, i + 1);
            } else if (now != Occupant.KEEP) {
                weights |= fill(i, now);
            }
        }
        // Newcomers take the first free slots.
        int left = 0;
        for (Map.Entry<String, Occupant> e : answer.entrySet()) {
            int free = firstFree();
            if (free < 0) {
                left++;
                continue;
            }
            occupants[free] = e.getKey();
            weights |= fill(free, e.getValue());
            log.info("server_template {}: {} fills slot {}", label, e.getKey(), free + 1);
        }
        if (left != leftOut) {
            leftOut = left;
            if (left > 0) {
                log.warn("server_template {}: the answer has {} more entries than the {} slots; they wait for a "
                        + "free slot", label, left, slots.length);
            }
        }
        return weights;
    }

    /** Puts {@code o} in slot {@code i}; returns whether the slot's weight changed. */
    private boolean fill(int i, Occupant o) {
        InetSocketAddress before = slots[i].resolved(o.address);
        if (before != null && !before.isUnresolved()) {
            log.info("server_template {}: slot {} ({}) now at {} (was {})", label, i + 1, occupants[i],
                    o.address, before);
        }
        return slots[i].weight(o.weight);
    }

    private int firstFree() {
        for (int i = 0; i < occupants.length; i++) {
            if (occupants[i] == null) {
                return i;
            }
        }
        return -1;
    }

    /** Where an occupant is and the weight DNS gives it (-1: none). */
    private record Occupant(InetSocketAddress address, int weight) {
        /** Still in the answer, but where it is could not be learned this time: left as it is. */
        static final Occupant KEEP = new Occupant(null, -1);
    }

    /** A host name's addresses, each an occupant at the template's port (0: the client's). */
    private Map<String, Occupant> addressAnswer(HostResolver resolver) throws UnknownHostException {
        Map<String, Occupant> out = new LinkedHashMap<>();
        for (InetAddress a : resolver.resolve(name)) {
            out.putIfAbsent(a.getHostAddress(), new Occupant(new InetSocketAddress(a, Math.max(0, port)), -1));
        }
        return out;
    }

    /**
     * An SRV name's records, each an occupant ({@code target:port}) at its target's address
     * (the one it has, while the target still resolves to it). A target that does not
     * resolve keeps the slot it has, untouched ({@link Occupant#KEEP}: its hold_valid runs
     * from its last resolution), and a new one waits for the next round.
     */
    private Map<String, Occupant> srvAnswer(HostResolver resolver) throws UnknownHostException {
        Map<String, Occupant> out = new LinkedHashMap<>();
        for (HostResolver.SrvTarget t : resolver.srv(name)) {
            String id = t.host() + ":" + t.port();
            if (out.containsKey(id)) {
                continue;
            }
            InetSocketAddress at = current(id);
            try {
                List<InetAddress> ips = resolver.resolve(t.host());
                InetAddress ip = at != null && at.getAddress() != null && ips.contains(at.getAddress())
                        ? at.getAddress() : ips.get(0);
                out.put(id, new Occupant(new InetSocketAddress(ip, t.port()), (t.weight() + 255) / 256));
            } catch (UnknownHostException e) {
                if (at != null) {
                    out.put(id, Occupant.KEEP);
                }
                log.debug("server_template {}: target {} does not resolve: {}", label, t.host(), e.getMessage());
            }
        }
        return out;
    }

    /** The address of the slot {@code id} occupies now, or null when it has none. */
    private InetSocketAddress current(String id) {
        for (int i = 0; i < occupants.length; i++) {
            if (id.equals(occupants[i])) {
                return slots[i].current();
            }
        }
        return null;
    }
}
