package io.pointsman.proxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HAProxy's {@code server-template}: {@code count} servers named {@code prefix1} …
 * {@code prefixN} whose addresses come from DNS, resolved at apply and again every
 * {@code resolvers.interval}. A host name's A/AAAA records give one server each, at the
 * template's port (without one, the port the client connected to); a service name
 * ({@code _http._tcp.service.internal}: it starts with an underscore, as HAProxy tells them
 * apart) gives one server per SRV record, at its target's address and its port, with its
 * weight mapped as HAProxy does ({@code (w + 255) / 256}). Slots the answer leaves free
 * are in maintenance ({@code MAINT (resolution)}).
 *
 * @param prefix  the servers' names are the prefix and 1 … count
 * @param count   how many servers, 1–{@value #MAX_COUNT}
 * @param address {@code host:port}, {@code host} (the client's port), or an SRV name
 * @param weight  of every server, 0–256 (default 1); an SRV record's weight replaces it
 * @param check   run the backend's check on every server that has an address
 * @param maxconn of every server; 0 = no limit
 * @param backup  the servers are backups
 */
public record ServerTemplate(String prefix, Integer count, String address, Integer weight, Boolean check,
                             Integer maxconn, Boolean backup) {

    public static final int MAX_COUNT = 1024;

    /** An SRV name: {@code _service._proto.name}. */
    private static final Pattern SRV_NAME =
            Pattern.compile("_[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\._(tcp|udp)\\.[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    /**
     * Marks a slot's stand-in address ({@code host#3:port}): not an address anyone can
     * write (the character is refused in a host), it names the slot so that its state
     * (health, counters, hashing) is kept under one key while DNS moves what it points to.
     */
    private static final char SLOT = '#';

    /** Whether {@link #address} is an SRV name (it starts with an underscore). */
    public boolean srv() {
        return address != null && address.startsWith("_");
    }

    /**
     * The name to resolve and the port, parsed from {@link #address}: an SRV name has no
     * port ({@link HostPort#NO_PORT}).
     *
     * @throws IllegalArgumentException for an address that is neither form
     */
    public HostPort target() {
        if (address == null) {
            throw new IllegalArgumentException("required: a host name (host:port or host) or an SRV name");
        }
        if (srv()) {
            if (!SRV_NAME.matcher(address).matches()) {
                throw new IllegalArgumentException("bad SRV name '" + address + "' (expected _service._tcp.name, "
                        + "without a port: the records give it)");
            }
            return new HostPort(address, HostPort.NO_PORT);
        }
        HostPort h = HostPort.parse(address);
        if (h.isWildcard() || h.isIpv6() || Cidr.literal(h.host()) != null) {
            throw new IllegalArgumentException("a server template needs a host name to resolve, got '" + address + "'");
        }
        if (h.port() == 0) {
            throw new IllegalArgumentException("a server template needs a port (1-65535) or none, got '" + address + "'");
        }
        return h;
    }

    /** The name of slot {@code i} (1-based). */
    public String name(int i) {
        return prefix + i;
    }

    /**
     * The slots as servers, in order ({@code prefix1} first): the template's settings with
     * defaults filled in, and a stand-in address per slot ({@link #isSlot}) under which the
     * address book keeps where DNS says the slot is now.
     */
    public List<Server> slots() {
        HostPort t = target();
        List<Server> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            out.add(new Server(name(i), new HostPort(t.host() + SLOT + i, t.port()), weight == null ? 1 : weight,
                    Boolean.TRUE.equals(check), Boolean.TRUE.equals(backup), maxconn == null ? 0 : maxconn, false, 0));
        }
        return out;
    }

    /** Whether a server's address is a template slot's stand-in. */
    public static boolean isSlot(HostPort address) {
        return address.host().indexOf(SLOT) >= 0;
    }
}
