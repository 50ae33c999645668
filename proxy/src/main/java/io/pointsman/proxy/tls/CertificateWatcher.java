package io.pointsman.proxy.tls;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the TLS files of the serving generation: every second, on its own thread (file
 * I/O and context building stay off the event loops), each termination compares its
 * files' stamps and reloads once a change has settled, so a renewed certificate serves
 * new handshakes within about two seconds, without a commit or an apply. Polling, not
 * inotify: certbot renews by re-pointing symbolic links, which a directory watch on
 * {@code live/} does not report as a change of the file.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);
    static final long POLL_MILLIS = 1000;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("pointsman-tls-watch", true));
    private volatile TlsContexts watched = TlsContexts.NONE;

    public CertificateWatcher() {
        thread.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** From now on, watches these (the generation just published); older ones accept no new handshakes. */
    public void watch(TlsContexts terminations) {
        watched = terminations;
    }

    private void poll() {
        for (WatchedTls t : watched.watched()) {
            try {
                t.reloadIfChanged();
            } catch (RuntimeException e) {
                log.warn("checking TLS files of {} failed: {}", t, e.toString());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
