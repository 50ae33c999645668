package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A section of haproxy.cfg: its kind, name, the line that opened it and its keyword lines
 * in order.
 *
 * @param name     the section's name; null for {@code global} and an anonymous {@code defaults}
 * @param from     the {@code from NAME} defaults section it inherits from; null when it
 *                 inherits from the last defaults section before it
 * @param header   the line that opened the section
 * @param address  a listening address on the header line itself ({@code listen web *:80}, the
 *                 1.x form); null when none
 */
public record CfgSection(SectionKind kind, String name, String from, CfgLine header, String address, List<CfgLine> lines) {

    public CfgSection {
        lines = Collections.unmodifiableList(new ArrayList<>(lines));
    }

    /** {@code frontend web}, {@code defaults}, {@code global}. */
    public String label() {
        return name == null ? kind.keyword() : kind.keyword() + " " + name;
    }
}
