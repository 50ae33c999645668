package io.pointsman.proxy.tls;

import java.util.List;

/** TLS contexts built from files, which the {@link CertificateWatcher} reloads when they change. */
interface WatchedTls {
    /**
     * Reloads when a file changed and the change has settled (looked the same on two
     * polls). Off the event loops. Never throws: a file that fails keeps what served before.
     *
     * @return true when contexts were rebuilt
     */
    boolean reloadIfChanged();

    /** Every file's state, as last read. */
    List<CertificateStatus> status();
}
