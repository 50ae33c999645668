package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * haproxy.cfg as HAProxy reads it: its sections in file order and what the parser found.
 * {@link #hasErrors()} is true when HAProxy itself would refuse the file.
 */
public record HaproxyConfig(String file, List<CfgSection> sections, List<ParseFinding> findings) {

    public HaproxyConfig {
        sections = List.copyOf(sections);
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.kind() == ParseFinding.Kind.ERROR);
    }

    public List<ParseFinding> errors() {
        return findings.stream().filter(f -> f.kind() == ParseFinding.Kind.ERROR).toList();
    }

    /** Sections of one kind, in file order. */
    public List<CfgSection> sections(SectionKind kind) {
        List<CfgSection> out = new ArrayList<>();
        for (CfgSection s : sections) {
            if (s.kind() == kind) {
                out.add(s);
            }
        }
        return out;
    }
}
