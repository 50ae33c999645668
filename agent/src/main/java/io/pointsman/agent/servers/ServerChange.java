package io.pointsman.agent.servers;

import io.pointsman.proxy.admin.AdminState;
import io.pointsman.proxy.admin.WeightOverride;
import io.pointsman.proxy.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One runtime change as asked for ({@code POST /servers/<backend>/<server>} with
 * {@code state=ready|drain|maint}, {@code weight=N|N%}, {@code reason=…}, {@code ttl=…}),
 * checked whole: any bad part refuses all of it.
 *
 * @param state  null: the state is not changed
 * @param weight null: the weight is not changed
 * @param ttl    null: until changed again or reset
 */
public record ServerChange(AdminState state, WeightOverride weight, String reason, Duration ttl) {
    static final int MAX_REASON = 200;
    private static final Set<String> KNOWN = Set.of("state", "weight", "reason", "ttl");

    /**
     * From request parameters (query string or form body).
     *
     * @throws IllegalArgumentException saying what is wrong, fit for a 400 answer
     */
    public static ServerChange parse(Map<String, List<String>> params) {
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!KNOWN.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown parameter '" + e.getKey() + "' (known: state, weight, reason, ttl)");
            }
            if (e.getValue().size() > 1) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' given " + e.getValue().size() + " times");
            }
        }
        String s = one(params, "state");
        String w = one(params, "weight");
        String reason = one(params, "reason");
        String ttl = one(params, "ttl");
        AdminState state = s == null ? null : AdminState.parse(s);
        WeightOverride weight = w == null ? null : WeightOverride.parse(w);
        if (state == null && weight == null) {
            throw new IllegalArgumentException("give state=ready|drain|maint, weight=N|N%, or both");
        }
        return new ServerChange(state, weight, checkReason(reason), ttl == null ? null : parseTtl(ttl));
    }

    static String checkReason(String reason) {
        if (reason == null) {
            return "";
        }
        String r = reason.strip();
        if (r.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason is longer than " + MAX_REASON + " characters");
        }
        for (int i = 0; i < r.length(); i++) {
            if (Character.isISOControl(r.charAt(i))) {
                throw new IllegalArgumentException("reason holds a control character");
            }
        }
        return r;
    }

    static Duration parseTtl(String text) {
        Duration d;
        try {
            d = Durations.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ttl: " + e.getMessage());
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("ttl must be longer than 0, e.g. 30m");
        }
        if (d.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("ttl longer than a year: leave it out for an override that stays");
        }
        return d;
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
