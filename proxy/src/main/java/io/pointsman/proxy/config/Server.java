package io.pointsman.proxy.config;

/**
 * One server of a backend.
 *
 * @param weight   share of traffic relative to the others (0 = none, 1–256)
 * @param check    run the backend's active health check on it
 * @param backup   used only when every non-backup server is down
 * @param maxconn  connections at once to this server; past it requests wait in the queue; 0 = no limit
 * @param disabled administratively down (stats: MAINT)
 * @param maxqueue requests that may wait for this server in particular (HAProxy {@code maxqueue});
 *                 0 = no limit. No balancer here makes a request wait for one server (a full
 *                 server's request goes to another; with all full it waits in the backend
 *                 queue for whichever frees first, which HAProxy does not limit by maxqueue
 *                 either), so the limit is never reached: see the README's Servers
 * @param tls      {@code false}: plain to this server though its backend has {@code tls:}
 */
public record Server(
        String name,
        HostPort address,
        Integer weight,
        Boolean check,
        Boolean backup,
        Integer maxconn,
        Boolean disabled,
        Integer maxqueue,
        Boolean tls) {

    public Server(String name, HostPort address, Integer weight, Boolean check, Boolean backup, Integer maxconn,
                  Boolean disabled) {
        this(name, address, weight, check, backup, maxconn, disabled, null, null);
    }

    public Server(String name, HostPort address, Integer weight, Boolean check, Boolean backup, Integer maxconn,
                  Boolean disabled, Integer maxqueue) {
        this(name, address, weight, check, backup, maxconn, disabled, maxqueue, null);
    }
}
