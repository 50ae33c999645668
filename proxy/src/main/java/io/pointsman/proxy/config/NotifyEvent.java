package io.pointsman.proxy.config;

/** What a {@code sync.notify} target is told about (SPEC §11); YAML writes them in snake_case. */
public enum NotifyEvent {
    /** A revision now serves (each revision once, not again after a restart). */
    APPLIED,
    /** A revision was refused: invalid config, a failing route test, a bind failure, a failed apply step. */
    REFUSED,
    /** A new generation failed the health gate and was swapped back (SPEC §5.11). */
    HEALTH_GATE_FAILED,
    /** A commit's signature did not verify against the trusted keys (SPEC §5.9). */
    SIGNATURE_REJECTED,
    /** The remote has not been reachable for longer than the target's {@code fetch_failing_after}. */
    FETCH_FAILING,
    /** A server's state or weight was changed at runtime, without a commit ({@code /servers}). */
    RUNTIME_CHANGE;

    /** The name as written in YAML and sent in messages: {@code health_gate_failed}. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
