package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;

/** A translated value and the haproxy.cfg line it came from (null for HAProxy's built-in default). */
record Sourced<T>(T value, CfgLine line) {
}
