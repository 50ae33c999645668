package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.AclExpr;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.RuleCondition;
import java.util.regex.Pattern;

/**
 * {@code acl}, {@code use_backend}, {@code default_backend}: collected here, translated by
 * {@link Translator} once every backend is known (a rule to a backend that cannot be
 * translated is left out with the backend's reason).
 */
final class RoutingKeywords {
    private static final Pattern ACL_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    private RoutingKeywords() {}

    static void register(KeywordTable t) {
        t.on("acl", RoutingKeywords::acl);
        t.on("use_backend", RoutingKeywords::useBackend);
        t.on("default_backend", RoutingKeywords::defaultBackend);
    }

    private static void acl(CfgLine l, ProxyContext c) {
        if (l.size() < 3) {
            c.error(l, "'acl' expects a name and an expression");
            return;
        }
        String name = l.word(1);
        if (!ACL_NAME.matcher(name).matches()) {
            c.error(l, "invalid character in the acl name '" + name + "'");
            return;
        }
        AclExpr expr;
        try {
            expr = AclExpr.parse(l.words().subList(2, l.size()));
        } catch (IllegalArgumentException e) {
            c.error(l, "acl '" + name + "': " + e.getMessage());
            c.draft.acls.add(new ProxyDraft.AclDef(name, l, null));
            return;
        }
        c.draft.acls.add(new ProxyDraft.AclDef(name, l, expr));
    }

    private static void useBackend(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 2) {
            c.error(l, "'use_backend' expects a backend name");
            return;
        }
        RuleCondition cond = null;
        if (l.size() > 2) {
            try {
                cond = RuleCondition.parse(l.words().subList(2, l.size()));
            } catch (IllegalArgumentException e) {
                c.error(l, e.getMessage());
                return;
            }
        }
        c.draft.rules.add(new ProxyDraft.RuleDraft(l, l.word(1), cond));
    }

    private static void defaultBackend(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 2) {
            c.error(l, "'default_backend' expects a backend name");
            return;
        }
        c.draft.defaultBackend = new Sourced<>(l.word(1), l);
    }
}
