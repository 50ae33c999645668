package io.pointsman.agent.sync;

import java.util.List;

/** What applying one revision did. The proxy keeps its previous generation on every failure. */
public sealed interface ApplyOutcome {

    SyncReason reason();

    /** Human-readable, secrets redacted. */
    String message();

    /** True when the same revision may succeed later (ports get free), so the next poll tries again. */
    default boolean retryable() {
        return false;
    }

    default boolean succeeded() {
        return this instanceof Applied;
    }

    /** The revision serves now as generation {@code generation}. */
    record Applied(long generation, String message) implements ApplyOutcome {
        @Override
        public SyncReason reason() {
            return SyncReason.Applied;
        }
    }

    /** The config is invalid or a route assertion failed; each error as {@code FILE:LINE: PATH: message}. */
    record ValidationFailed(List<String> errors) implements ApplyOutcome {
        public ValidationFailed {
            errors = List.copyOf(errors);
        }

        @Override
        public SyncReason reason() {
            return SyncReason.ValidationFailed;
        }

        @Override
        public String message() {
            return String.join("\n", errors);
        }
    }

    /** A listener could not be bound; everything bound for this swap was closed again. */
    record BindFailed(String message) implements ApplyOutcome {
        @Override
        public SyncReason reason() {
            return SyncReason.BindFailed;
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** Refused for its content by a later gate: {@code SignatureRejected} or {@code HealthGateFailed}. */
    record Rejected(SyncReason reason, String message) implements ApplyOutcome {
        public Rejected {
            if (reason != SyncReason.SignatureRejected && reason != SyncReason.HealthGateFailed) {
                throw new IllegalArgumentException("not a rejection reason: " + reason);
            }
        }
    }

    /** The apply step failed otherwise (timeout, unexpected error); retried at the next poll. */
    record Failed(String message) implements ApplyOutcome {
        @Override
        public SyncReason reason() {
            return SyncReason.ApplyFailed;
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }
}
