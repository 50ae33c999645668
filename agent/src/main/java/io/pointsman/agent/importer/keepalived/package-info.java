/**
 * keepalived.conf (one per node) → the {@code keepalived:} section of proxy.yaml and the
 * nodes' {@code hosts/<node>.yaml}. Starting point:
 * {@link io.pointsman.agent.importer.keepalived.KeepalivedImport#translate};
 * {@link io.pointsman.agent.importer.keepalived.KeepalivedConfParser} reads the file's blocks.
 */
package io.pointsman.agent.importer.keepalived;
