package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;

/**
 * What a keyword handler works with: the proxy being translated, and the outcome to record
 * for each line it handles. A line from a defaults section is recorded once per proxy that
 * inherits it.
 */
final class ProxyContext {
    final ProxyDraft draft;
    final Translation translation;

    ProxyContext(ProxyDraft draft, Translation translation) {
        this.draft = draft;
        this.translation = translation;
    }

    private String where(CfgLine line) {
        return draft.section.lines().contains(line) || line.number() == draft.section.header().number()
                ? null : draft.label();
    }

    void translated(CfgLine line) {
        translation.outcomes.add(line, LineOutcomes.Kind.TRANSLATED, null, where(line));
    }

    void notTranslated(CfgLine line, String why) {
        translation.outcomes.add(line, LineOutcomes.Kind.NOT_TRANSLATED, why, where(line));
    }

    void notNeeded(CfgLine line, String why) {
        translation.outcomes.add(line, LineOutcomes.Kind.NOT_NEEDED, why, where(line));
    }

    void notApplicable(CfgLine line) {
        translation.outcomes.add(line, LineOutcomes.Kind.NOT_APPLICABLE, null, where(line));
    }

    void note(CfgLine line, String text) {
        translation.outcomes.add(line, LineOutcomes.Kind.NOTE, text, where(line));
    }

    void error(CfgLine line, String message) {
        translation.outcomes.add(line, LineOutcomes.Kind.ERROR, message, where(line));
    }

    boolean http() {
        return "http".equals(draft.effectiveMode());
    }
}
