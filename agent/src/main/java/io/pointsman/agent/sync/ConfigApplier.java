package io.pointsman.agent.sync;

import io.pointsman.agent.bgp.BgpStatus;
import io.pointsman.agent.git.Revision;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.NotifyTarget;
import java.util.List;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.tls.CertificateStatus;
import java.util.List;

/**
 * The seam between the sync loop and the proxy: load, validate and swap one revision's files.
 * The production implementation wraps {@code ConfigLoader.load} and {@code ProxyRuntime.apply}
 * (and the Keepalived and BGP steps); tests use a small real one.
 *
 * <p>Called from the sync thread (apply, diff) and the status API's worker (the read-only
 * methods); implementations must be thread-safe. {@link #apply} may block (binds, keepalived);
 * the engine bounds it with a timeout.
 */
public interface ConfigApplier {

    /**
     * Validates and applies the files of one revision, atomically: on any failure the previous
     * generation keeps serving. Never throws for bad config: every problem is an outcome.
     * When the engine's apply timeout passes it interrupts the applying thread and reports
     * {@code ApplyFailed}; an implementation should then give up without swapping.
     */
    ApplyOutcome apply(ConfigFiles files, Revision revision);

    /** True while the proxy serves a good generation (for {@code /healthz}). */
    boolean serving();

    /** The merged config that is applied now, as YAML, secrets redacted (for {@code /config}); empty before the first apply. */
    String effectiveConfig();

    /**
     * What applying {@code candidate} would change on this node: added/removed/changed frontends,
     * backends, servers, binds; secrets redacted (for {@code /diff}). Validation errors of the
     * candidate are reported in the text, not thrown.
     */
    String diff(ConfigFiles candidate);

    /** Prometheus text of the node's own counters (proxy, BGP), appended to {@code /metrics}; may be empty. */
    default String proxyMetrics() {
        return "";
    }

    /** The TLS files the proxy serves with, as last read (for {@code /status}); empty when none. */
    default List<CertificateStatus> certificates() {
        return List.of();
    }

    /** {@code sync.health_gate} of the config that serves now, or null (SPEC §5.11). */
    default HealthGate healthGate() {
        return null;
    }

    /**
     * {@code sync.notify} of the config that serves now (SPEC §11); null while nothing serves.
     * Cheap, any thread.
     */
    default List<NotifyTarget> notifyTargets() {
        return null;
    }

    /** Hides every resolved secret of the serving config in {@code text}; cheap, any thread. */
    default String redact(String text) {
        return text;
    }

    /** The proxy's traffic totals per backend now, for the health gate; cheap, any thread. */
    default TrafficSample traffic() {
        return TrafficSample.NONE;
    }

    /**
     * Syncing was suspended or resumed (SPEC §5.8: {@code POST /suspend}, {@code sync.suspend});
     * a node that announces routes over BGP withdraws them while suspended (SPEC §13).
     * Blocking (may reconfigure BIRD); called from the sync thread or the status API's workers.
     */
    default void suspended(boolean suspended) {
    }

    /** What this node announces over BGP, for {@code /status}; null without a bgp section. */
    default BgpStatus bgp() {
        return null;
    }
}
