package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.SectionKind;
import io.pointsman.agent.importer.report.Finding;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds every line's outcomes into the report: one {@link Finding} per line left out (with
 * every reason, and the proxies it was left out in when it came from a defaults section),
 * one per note, one per error. Every line of the file is accounted for: a line nothing
 * handled is reported as not translated rather than dropped in silence.
 */
final class TranslationReport {
    private TranslationReport() {}

    static List<Finding> findings(Translation t, ProxyView view) {
        List<Finding> out = new ArrayList<>();
        String file = t.config.file();
        Set<CfgSection> inherited = new java.util.HashSet<>();
        for (CfgSection s : t.config.sections()) {
            if (s.kind().isProxy()) {
                for (CfgSection p = view.parent(s); p != null && inherited.add(p); p = view.parent(p)) {
                    // every defaults section up the chain is inherited by a proxy
                }
            }
        }
        for (CfgSection s : t.config.sections()) {
            boolean leftOut = t.outcomes.has(s.header(), LineOutcomes.Kind.NOT_TRANSLATED);
            List<CfgLine> lines = new ArrayList<>();
            lines.add(s.header());
            CfgLine bind = view.headerBind(s);
            if (bind != null) {
                lines.add(bind);
            }
            lines.addAll(s.lines());
            for (CfgLine l : lines) {
                boolean header = l == s.header();
                line(out, file, t, s, l, header, leftOut && !header, inherited.contains(s));
            }
        }
        return out;
    }

    private static void line(List<Finding> out, String file, Translation t, CfgSection s, CfgLine l, boolean header,
            boolean inLeftOutProxy, boolean inherited) {
        List<LineOutcomes.Outcome> all = t.outcomes.of(l);
        String keyword = header ? s.label() : l.label();
        Set<String> errors = new LinkedHashSet<>();
        Set<String> notTranslated = new LinkedHashSet<>();
        Set<String> where = new LinkedHashSet<>();
        Set<String> notes = new LinkedHashSet<>();
        Set<String> notNeeded = new LinkedHashSet<>();
        boolean translated = false;
        boolean inSection = false;
        for (LineOutcomes.Outcome o : all) {
            switch (o.kind()) {
                case ERROR -> errors.add(o.reason());
                case NOT_TRANSLATED -> {
                    notTranslated.add(o.reason());
                    if (o.where() != null) {
                        where.add(o.where());
                    }
                }
                case NOTE -> notes.add(o.reason());
                case NOT_NEEDED -> notNeeded.add(o.reason());
                case TRANSLATED -> translated = true;
                case IN_SECTION -> inSection = true;
                case NOT_APPLICABLE -> { }
            }
        }
        for (String e : errors) {
            out.add(new Finding(file, l.number(), keyword, Finding.Kind.ERROR, e));
        }
        if (inLeftOutProxy) {
            return; // the proxy's first line says why it was left out
        }
        if (!notTranslated.isEmpty()) {
            String msg = String.join("; ", notTranslated);
            if (!where.isEmpty() && s.kind() == SectionKind.DEFAULTS) {
                msg += " (in " + String.join(", ", where) + ")";
            }
            out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOT_TRANSLATED, msg));
            return;
        }
        if (translated) {
            for (String n : notes) {
                out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOTE, n));
            }
            return;
        }
        if (!notNeeded.isEmpty()) {
            out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOT_NEEDED, String.join("; ", notNeeded)));
            return;
        }
        if (inSection || !errors.isEmpty()) {
            return;
        }
        if (s.kind() == SectionKind.DEFAULTS) {
            out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOT_NEEDED,
                    !inherited ? "no proxy inherits this defaults section" : all.isEmpty()
                            ? "every proxy that inherits it sets its own" : "no proxy that inherits it uses it"));
            return;
        }
        if (!all.isEmpty()) {
            out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOT_NEEDED, "does not apply to a "
                    + s.kind().keyword()));
            return;
        }
        out.add(new Finding(file, l.number(), keyword, Finding.Kind.NOT_TRANSLATED, "not handled by the importer"));
    }
}
