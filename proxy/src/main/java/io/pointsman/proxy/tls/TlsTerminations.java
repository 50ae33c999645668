package io.pointsman.proxy.tls;

import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Tls;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS terminations of one generation: one per distinct {@code tls:} settings among its
 * binds. Built while a config is applied, before the swap, so a file that cannot be used
 * refuses the apply and changes nothing that serves; owned by the generation it was built
 * for. Settings the serving generation already has keep their termination (and whatever
 * the watcher reloaded into it) rather than read their files again.
 */
public final class TlsTerminations {
    public static final TlsTerminations NONE = new TlsTerminations(Map.of());

    private final Map<Tls, TlsTermination> bySettings;

    private TlsTerminations(Map<Tls, TlsTermination> bySettings) {
        this.bySettings = Map.copyOf(bySettings);
    }

    /**
     * Loads the TLS of every bind of a normalized config. Blocking file I/O: call off the event loops.
     *
     * @param serving the terminations of the generation serving now (null: none)
     * @throws TlsSetupException naming the frontend, bind and file that cannot be used
     */
    public static TlsTerminations build(ProxyConfig normalized, TlsTerminations serving) {
        Map<Tls, TlsTermination> out = new LinkedHashMap<>();
        for (Frontend f : normalized.allFrontends()) {
            for (Bind b : f.bind()) {
                Tls t = b.tls();
                if (t == null || out.containsKey(t)) {
                    continue;
                }
                TlsTermination kept = serving == null ? null : serving.bySettings.get(t);
                if (kept != null) {
                    out.put(t, kept);
                    continue;
                }
                try {
                    out.put(t, TlsTermination.load(t));
                } catch (TlsSetupException e) {
                    throw new TlsSetupException("frontend '" + f.name() + "' bind " + b.address() + ": tls: "
                            + e.getMessage(), e);
                }
            }
        }
        return out.isEmpty() ? NONE : new TlsTerminations(out);
    }

    /** The termination of a bind's (normalized) settings; null when the bind is plain. */
    public TlsTermination forSettings(Tls settings) {
        if (settings == null) {
            return null;
        }
        TlsTermination t = bySettings.get(settings);
        if (t == null) {
            throw new IllegalStateException("TLS settings of a bind were not loaded with its generation");
        }
        return t;
    }

    public Collection<TlsTermination> all() {
        return bySettings.values();
    }

    /** Every TLS file of every termination, each once. */
    public List<CertificateStatus> status() {
        Map<String, CertificateStatus> byFile = new LinkedHashMap<>();
        for (TlsTermination t : bySettings.values()) {
            for (CertificateStatus c : t.status()) {
                byFile.merge(c.file() + "\0" + c.kind(), c, (a, b) -> a.error() != null ? a : b);
            }
        }
        return List.copyOf(new ArrayList<>(byFile.values()));
    }
}
