package io.pointsman.proxy.tls;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.ServerTls;
import io.pointsman.proxy.config.Tls;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS contexts of one generation: a {@link TlsTermination} per distinct {@code tls:}
 * settings among its binds, a {@link TlsOrigination} per distinct {@code tls:} settings
 * among its backends. Built while a config is applied, before the swap, so a file that
 * cannot be used refuses the apply and changes nothing that serves; owned by the
 * generation it was built for. Settings the serving generation already has keep their
 * contexts (and whatever the watcher reloaded into them) rather than read their files again.
 */
public final class TlsContexts {
    public static final TlsContexts NONE = new TlsContexts(Map.of(), Map.of());

    private final Map<Tls, TlsTermination> terminations;
    private final Map<ServerTls, TlsOrigination> originations;

    private TlsContexts(Map<Tls, TlsTermination> terminations, Map<ServerTls, TlsOrigination> originations) {
        this.terminations = Map.copyOf(terminations);
        this.originations = Map.copyOf(originations);
    }

    /**
     * Loads the TLS of every bind and backend of a normalized config. Blocking file I/O:
     * call off the event loops.
     *
     * @param serving the contexts of the generation serving now (null: none)
     * @throws TlsSetupException naming the frontend and bind, or backend, and the file that cannot be used
     */
    public static TlsContexts build(ProxyConfig normalized, TlsContexts serving) {
        Map<Tls, TlsTermination> terminations = new LinkedHashMap<>();
        for (Frontend f : normalized.allFrontends()) {
            for (Bind b : f.bind()) {
                Tls t = b.tls();
                if (t == null || terminations.containsKey(t)) {
                    continue;
                }
                TlsTermination kept = serving == null ? null : serving.terminations.get(t);
                try {
                    terminations.put(t, kept != null ? kept : TlsTermination.load(t));
                } catch (TlsSetupException e) {
                    throw new TlsSetupException("frontend '" + f.name() + "' bind " + b.address() + ": tls: "
                            + e.getMessage(), e);
                }
            }
        }
        Map<ServerTls, TlsOrigination> originations = new LinkedHashMap<>();
        for (Backend b : normalized.allBackends()) {
            ServerTls t = b.tls();
            if (t == null || originations.containsKey(t)) {
                continue;
            }
            TlsOrigination kept = serving == null ? null : serving.originations.get(t);
            try {
                originations.put(t, kept != null ? kept : TlsOrigination.load(t));
            } catch (TlsSetupException e) {
                throw new TlsSetupException("backend '" + b.name() + "': tls: " + e.getMessage(), e);
            }
        }
        return terminations.isEmpty() && originations.isEmpty() ? NONE
                : new TlsContexts(terminations, originations);
    }

    /** The termination of a bind's (normalized) settings; null when the bind is plain. */
    public TlsTermination forBind(Tls settings) {
        if (settings == null) {
            return null;
        }
        TlsTermination t = terminations.get(settings);
        if (t == null) {
            throw new IllegalStateException("TLS settings of a bind were not loaded with its generation");
        }
        return t;
    }

    /** The origination of a backend's (normalized) settings; null when its servers are plain. */
    public TlsOrigination forBackend(ServerTls settings) {
        if (settings == null) {
            return null;
        }
        TlsOrigination t = originations.get(settings);
        if (t == null) {
            throw new IllegalStateException("TLS settings of a backend were not loaded with its generation");
        }
        return t;
    }

    /** Everything the watcher reloads. */
    Collection<WatchedTls> watched() {
        List<WatchedTls> all = new ArrayList<>(terminations.values());
        all.addAll(originations.values());
        return all;
    }

    /** Every TLS file of every context, each once. */
    public List<CertificateStatus> status() {
        Map<String, CertificateStatus> byFile = new LinkedHashMap<>();
        for (WatchedTls t : watched()) {
            for (CertificateStatus c : t.status()) {
                byFile.merge(c.file() + "\0" + c.kind(), c, (a, b) -> a.error() != null ? a : b);
            }
        }
        return List.copyOf(byFile.values());
    }
}
