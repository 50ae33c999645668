package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of each haproxy.cfg line. A line of a defaults section is seen once per proxy
 * that inherits it, so a line collects several outcomes; {@link TranslationReport} folds
 * them into what the report says.
 */
final class LineOutcomes {
    enum Kind {
        /** Carried into proxy.yaml. */
        TRANSLATED,
        /** Left out: Pointsman cannot express it (yet). */
        NOT_TRANSLATED,
        /** Left out on purpose: it has no job in Pointsman (process management, tuning). */
        NOT_NEEDED,
        /** Does not apply where it was inherited (a backend keyword seen by a frontend). */
        NOT_APPLICABLE,
        /** Translated, with something worth knowing. */
        NOTE,
        /** HAProxy refuses the file for this line. */
        ERROR,
        /** Part of a section reported as a whole on its header line. */
        IN_SECTION
    }

    /** One outcome; {@code where} names the proxy it was seen from (null = the line's own section). */
    record Outcome(Kind kind, String reason, String where) {
    }

    private final Map<CfgLine, List<Outcome>> outcomes = new IdentityHashMap<>();

    void add(CfgLine line, Kind kind, String reason, String where) {
        outcomes.computeIfAbsent(line, l -> new ArrayList<>()).add(new Outcome(kind, reason, where));
    }

    List<Outcome> of(CfgLine line) {
        return outcomes.getOrDefault(line, List.of());
    }

    boolean has(CfgLine line, Kind kind) {
        for (Outcome o : of(line)) {
            if (o.kind() == kind) {
                return true;
            }
        }
        return false;
    }

    boolean anyError() {
        for (List<Outcome> l : outcomes.values()) {
            for (Outcome o : l) {
                if (o.kind() == Kind.ERROR) {
                    return true;
                }
            }
        }
        return false;
    }
}
