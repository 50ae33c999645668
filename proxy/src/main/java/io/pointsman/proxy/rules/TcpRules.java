package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.TcpRule;
import io.pointsman.proxy.routing.AclCondition;
import io.pointsman.proxy.routing.AclSet;
import io.pointsman.proxy.routing.RequestFacts;

import java.util.List;

/**
 * A tcp-mode frontend's {@code tcp_request} rules ({@code tcp-request connection reject}):
 * whether a new connection is closed before any backend is chosen. Immutable.
 */
public final class TcpRules {
    public static final TcpRules NONE = new TcpRules(new AclCondition[0]);

    private final AclCondition[] rejectWhen;

    private TcpRules(AclCondition[] rejectWhen) {
        this.rejectWhen = rejectWhen;
    }

    public static TcpRules compile(List<TcpRule> rules, AclSet acls) {
        if (rules.isEmpty()) {
            return NONE;
        }
        AclCondition[] when = new AclCondition[rules.size()];
        for (int i = 0; i < when.length; i++) {
            TcpRule r = rules.get(i);
            when[i] = acls.condition(r.ifCondition(), r.unlessCondition(), "tcp_request[" + i + "]");
        }
        return new TcpRules(when);
    }

    public boolean isEmpty() {
        return rejectWhen.length == 0;
    }

    /** Whether a condition reads the SNI: the connection's ClientHello must be read before {@link #rejects}. */
    public boolean readsSni() {
        for (AclCondition c : rejectWhen) {
            if (c.readsSni()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the connection is to be closed: some rule's condition holds. Call it after the
     * connection was counted in the frontend's limits, and (when an acl reads it) after the
     * SNI was read.
     */
    public boolean rejects(RequestFacts connection) {
        for (AclCondition c : rejectWhen) {
            if (c.holds(connection)) {
                return true;
            }
        }
        return false;
    }
}
