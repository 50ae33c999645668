package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;

/** Translates one keyword line of a proxy into its draft, and records the line's outcome. */
@FunctionalInterface
interface Handler {
    void handle(CfgLine line, ProxyContext c);
}
