package io.pointsman.proxy.admin;

import java.time.Instant;

/**
 * What an operator changed about one server at runtime.
 *
 * @param state     the administrative state, or null when only the weight is changed
 * @param weight    the weight, or null when only the state is changed
 * @param reason    why (shown in status, stats page, history, notifications); may be empty
 * @param by        who: {@code status API}, {@code stats page (admin)}, …
 * @param setAt     when it was set
 * @param expiresAt when it ends by itself ({@code ttl}), or null
 */
public record ServerOverride(AdminState state, WeightOverride weight, String reason, String by, Instant setAt,
        Instant expiresAt) {
    public ServerOverride {
        if (state == null && weight == null) {
            throw new IllegalArgumentException("an override changes the state, the weight or both");
        }
        reason = reason == null ? "" : reason;
    }

    /** This override with {@code other}'s state and weight where it sets them (a later change on top). */
    public ServerOverride merge(ServerOverride later) {
        return new ServerOverride(later.state != null ? later.state : state,
                later.weight != null ? later.weight : weight, later.reason, later.by, later.setAt, later.expiresAt);
    }

    /** {@code drain}, {@code weight 50%}, {@code maint, weight 0}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (state != null) {
            sb.append(state.text());
        }
        if (weight != null) {
            sb.append(sb.length() > 0 ? ", " : "").append("weight ").append(weight);
        }
        return sb.toString();
    }
}
