package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.proxy.tls.CipherRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The TLS options of {@code bind} and {@code server} lines and of the {@code ssl-default-*}
 * globals (SPEC §9), on their way to proxy.yaml's {@code tls:} keys: each option either
 * becomes a key or is left out with its reason ({@code left}).
 *
 * <p>Versions: Pointsman offers TLSv1.2 and TLSv1.3 and has a lowest version only, so
 * {@code ssl-min-ver TLSv1.2|TLSv1.3}, {@code no-tlsv12} and {@code force-tlsv13} translate,
 * {@code no-sslv3}/{@code no-tlsv10}/{@code no-tlsv11} are what Pointsman does anyway, and a
 * lower minimum or any maximum is left out. Cipher strings are checked with the rules
 * {@code validate} applies ({@link CipherRules}): one Pointsman would refuse is left out, so
 * the import never writes a config that does not validate.
 */
final class TlsOptions {
    /** Versions below TLSv1.2: Pointsman never offers them. */
    private static final Set<String> OLD = Set.of("SSLv3", "TLSv1.0", "TLSv1.1");
    private static final Set<String> VERSIONS = Set.of("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    /** What an http-mode proxy may offer in ALPN (it speaks HTTP/1.1 on both sides). */
    static final Set<String> HTTP_ALPN = Set.of("http/1.1", "http/1.0");

    private TlsOptions() {}

    /** The keys binds, servers and the defaults share. */
    static class Policy {
        String minVersion;
        String ciphers;
        String ciphersuites;
        List<String> alpn;
        Boolean tickets;
        /** Options left out, each with its reason. */
        final List<String> left = new ArrayList<>();

        /**
         * Applies one policy option; false when {@code opt} is none. {@code error} is set
         * when HAProxy refuses the value.
         */
        boolean apply(String opt, String arg, String[] error) {
            switch (opt) {
                case "ssl-min-ver" -> {
                    if (!VERSIONS.contains(arg)) {
                        error[0] = "ssl-min-ver '" + arg + "': expected SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3";
                    } else if (OLD.contains(arg)) {
                        left.add("ssl-min-ver " + arg + ": Pointsman offers TLSv1.2 and TLSv1.3 only");
                    } else {
                        minVersion = arg;
                    }
                }
                case "ssl-max-ver" -> {
                    if (!VERSIONS.contains(arg)) {
                        error[0] = "ssl-max-ver '" + arg + "': expected SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3";
                    } else if (!arg.equals("TLSv1.3")) {
                        left.add("ssl-max-ver " + arg + ": Pointsman has a lowest TLS version only (it offers TLSv1.3"
                                + " too)");
                    }
                }
                case "no-sslv3", "no-tlsv10", "no-tlsv11" -> { } // never offered by Pointsman
                case "no-tlsv12" -> minVersion = "TLSv1.3";
                case "force-tlsv13" -> minVersion = "TLSv1.3";
                case "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12" ->
                        left.add(opt + ": Pointsman offers TLSv1.2 and TLSv1.3 and has a lowest version only");
                case "ciphers" -> {
                    String problem = CipherRules.problem(arg);
                    if (problem != null) {
                        left.add("ciphers " + arg + ": " + problem);
                    } else {
                        ciphers = arg;
                    }
                }
                case "ciphersuites" -> {
                    String problem = CipherRules.suitesProblem(arg);
                    if (problem != null) {
                        left.add("ciphersuites " + arg + ": " + problem);
                    } else {
                        ciphersuites = arg;
                    }
                }
                case "alpn" -> alpn = alpnList(arg);
                case "no-alpn" -> alpn = null;
                case "no-tls-tickets" -> tickets = false;
                case "tls-tickets" -> tickets = true;
                default -> {
                    return false;
                }
            }
            return true;
        }

        /**
         * In mode http, the ALPN protocols other than HTTP/1.x are dropped (Pointsman speaks
         * HTTP/1.1 on both sides); returns the dropped ones.
         */
        List<String> keepHttpAlpn() {
            List<String> dropped = new ArrayList<>();
            if (alpn == null) {
                return dropped;
            }
            List<String> kept = new ArrayList<>();
            for (String a : alpn) {
                (HTTP_ALPN.contains(a) ? kept : dropped).add(a);
            }
            alpn = kept.isEmpty() ? null : kept;
            return dropped;
        }

        void putPolicy(YMap m) {
            if (minVersion != null) {
                m.put("min_version", minVersion);
            }
            if (ciphers != null) {
                m.put("ciphers", ciphers);
            }
            if (ciphersuites != null) {
                m.put("ciphersuites", ciphersuites);
            }
            if (alpn != null) {
                YList l = new YList();
                alpn.forEach(l::add);
                m.put("alpn", l);
            }
            if (tickets != null) {
                m.put("tickets", tickets);
            }
        }

        String policyKey() {
            return minVersion + "|" + ciphers + "|" + ciphersuites + "|" + alpn + "|" + tickets;
        }
    }

    /** {@code alpn h2,http/1.1}: the protocols in order, empty names dropped. */
    static List<String> alpnList(String arg) {
        List<String> out = new ArrayList<>();
        for (String a : arg.split(",")) {
            if (!a.isEmpty() && !out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The TLS a bind line terminates ({@code ssl crt …} and the rest). */
    static final class Bind extends Policy {
        /** crt files in order: the first answers when no name matches (HAProxy's default certificate). */
        final List<String> certs = new ArrayList<>();
        String certDir;
        String clientCa;
        String verify;
        String crl;

        /** The frontend's {@code tls:} (or a bind's), as proxy.yaml writes it. */
        YMap toYaml() {
            YMap m = new YMap();
            if (!certs.isEmpty()) {
                m.put("cert", certs.get(0));
            }
            if (certs.size() > 1) {
                YList more = new YList();
                for (String c : certs.subList(1, certs.size())) {
                    more.add(new YMap().put("cert", c));
                }
                m.put("certificates", more);
            }
            if (certDir != null) {
                m.put("cert_dir", certDir);
            }
            if (clientCa != null) {
                m.put("client_ca", clientCa);
            }
            if (verify != null) {
                m.put("verify", verify);
            }
            if (crl != null) {
                m.put("crl", crl);
            }
            putPolicy(m);
            return m;
        }

        /** Equal keys: the same TLS (a frontend with one TLS for every bind says it once). */
        String key() {
            return certs + "|" + certDir + "|" + clientCa + "|" + verify + "|" + crl + "|" + policyKey();
        }
    }

    /**
     * The TLS of a server line towards its server, with default-server options applied
     * first. {@code ssl}: null = not said, {@code checkSsl}: 1 {@code check-ssl}, -1
     * {@code no-check-ssl}, 0 not said (HAProxy's {@code check.use_ssl}).
     */
    static final class Server extends Policy {
        Boolean ssl;
        String verify;
        String ca;
        String crl;
        String sni;
        String verifyhost;
        String crt;
        int checkSsl;

        Server copy() {
            Server s = new Server();
            s.minVersion = minVersion;
            s.ciphers = ciphers;
            s.ciphersuites = ciphersuites;
            s.alpn = alpn;
            s.tickets = tickets;
            s.ssl = ssl;
            s.verify = verify;
            s.ca = ca;
            s.crl = crl;
            s.sni = sni;
            s.verifyhost = verifyhost;
            s.crt = crt;
            s.checkSsl = checkSsl;
            return s;
        }

        boolean on() {
            return Boolean.TRUE.equals(ssl);
        }

        /**
         * Whether HAProxy checks this server over TLS: {@code check-ssl}, or the server's own
         * {@code ssl} when the check goes to the same port and {@code no-check-ssl} is not set
         * (src/check.c, init_srv_check).
         */
        boolean checksOverTls(boolean ownCheckPort) {
            return checkSsl == 1 || (checkSsl == 0 && on() && !ownCheckPort);
        }
    }

    /**
     * The backend's {@code tls:} for its TLS servers, with {@code verify} resolved as HAProxy
     * does ({@code verify} of the server, else {@code ssl-server-verify}, else required).
     */
    static YMap serverYaml(Server s, String globalVerify) {
        YMap m = new YMap();
        String verify = effectiveVerify(s, globalVerify);
        m.put("verify", verify);
        if (verify.equals("required")) {
            m.put("ca", s.ca);
            if (s.crl != null) {
                m.put("crl", s.crl);
            }
        }
        String name = s.sni != null ? s.sni : s.verifyhost;
        if (name != null) {
            m.put("sni", name);
        }
        if (s.crt != null) {
            m.put("cert", s.crt);
        }
        s.putPolicy(m);
        return m;
    }

    static String effectiveVerify(Server s, String globalVerify) {
        return s.verify != null ? s.verify : globalVerify != null ? globalVerify : "required";
    }

    /** Equal keys: one backend {@code tls:} serves both servers. */
    static String serverKey(Server s, String globalVerify) {
        String verify = effectiveVerify(s, globalVerify);
        return verify + "|" + (verify.equals("required") ? s.ca + "|" + s.crl : "") + "|"
                + (s.sni != null ? s.sni : s.verifyhost) + "|" + s.crt + "|" + s.policyKey();
    }
}
