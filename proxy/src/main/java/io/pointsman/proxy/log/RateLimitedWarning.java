package io.pointsman.proxy.log;

import org.slf4j.Logger;

/**
 * A warning said at most once per period, with how many times it happened meanwhile: a
 * log target that is down fails every batch, and its warning must not flood the log.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final long periodNanos;
    private long lastNanos;
    private boolean said;
    private long suppressed;

    RateLimitedWarning(Logger log, long periodNanos) {
        this.log = log;
        this.periodNanos = periodNanos;
    }

    synchronized void warn(String message) {
        long now = System.nanoTime();
        if (said && now - lastNanos < periodNanos) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn("{} ({} more like it since the last warning)", message, suppressed);
        } else {
            log.warn(message);
        }
        said = true;
        lastNanos = now;
        suppressed = 0;
    }
}
