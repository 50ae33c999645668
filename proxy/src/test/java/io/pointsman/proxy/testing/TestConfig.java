package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Defaults;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.config.UseBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds normalized configs in tests (tcp mode by default) without YAML:
 * {@code new TestConfig().frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
 * .backend("be").server("s1", addr).end().build()}.
 */
public final class TestConfig {
    private Integer maxconn;
    private Duration hardStopAfter;
    private Integer maxOldGenerations;
    private Boolean nolinger;
    private Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30),
            null, null, null, null, Duration.ofSeconds(5));
    private final List<FrontendBuilder> frontends = new ArrayList<>();
    private final List<BackendBuilder> backends = new ArrayList<>();
    private final List<Listen> listens = new ArrayList<>();
    private Stats stats;

    public TestConfig global(Integer maxconn, Duration hardStopAfter, Integer maxOldGenerations) {
        this.maxconn = maxconn;
        this.hardStopAfter = hardStopAfter;
        this.maxOldGenerations = maxOldGenerations;
        return this;
    }

    public TestConfig nolinger(boolean on) {
        this.nolinger = on;
        return this;
    }

    /** A stats page on {@code bind} at {@code uri}, no auth. */
    public TestConfig stats(String bind, String uri) {
        this.stats = new Stats(HostPort.parse(bind), uri, null, null);
        return this;
    }

    public TestConfig timeouts(Timeouts t) {
        this.timeouts = t;
        return this;
    }

    public FrontendBuilder frontend(String name) {
        FrontendBuilder f = new FrontendBuilder(name);
        frontends.add(f);
        return f;
    }

    public BackendBuilder backend(String name) {
        BackendBuilder b = new BackendBuilder(name);
        backends.add(b);
        return b;
    }

    /** A port map: bind → the given servers (round robin). */
    public TestConfig listen(String name, String bind, HostPort... servers) {
        List<Server> list = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            list.add(new Server(name + "-s" + i, servers[i], null, null, null, null, null));
        }
        listens.add(new Listen(name, Mode.TCP, List.of(Bind.plain(HostPort.parse(bind))), null, null, null, null, null,
                null, null, null, null, null, list));
        return this;
    }

    public ProxyConfig build() {
        List<Frontend> fs = new ArrayList<>();
        for (FrontendBuilder f : frontends) {
            fs.add(f.build());
        }
        List<Backend> bs = new ArrayList<>();
        for (BackendBuilder b : backends) {
            bs.add(b.build());
        }
        ProxyConfig raw = new ProxyConfig(1, new Global(maxconn, 1, nolinger, hardStopAfter, maxOldGenerations),
                new Defaults(Mode.TCP, timeouts, null, null, null), stats, fs, bs, listens, null, null);
        return Normalizer.normalize(raw);
    }

    public final class FrontendBuilder {
        private final String name;
        private final List<HostPort> binds = new ArrayList<>();
        private Integer maxconn;
        private Boolean acceptProxy;
        private final List<Acl> acls = new ArrayList<>();
        private final List<UseBackend> rules = new ArrayList<>();
        private String defaultBackend;
        private Mode mode;

        FrontendBuilder(String name) {
            this.name = name;
        }

        public FrontendBuilder bind(String... addresses) {
            for (String a : addresses) {
                binds.add(HostPort.parse(a));
            }
            return this;
        }

        public FrontendBuilder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public FrontendBuilder maxconn(int n) {
            this.maxconn = n;
            return this;
        }

        public FrontendBuilder acceptProxy() {
            this.acceptProxy = true;
            return this;
        }

        public FrontendBuilder defaultBackend(String backend) {
            this.defaultBackend = backend;
            return this;
        }

        public FrontendBuilder srcAcl(String acl, String... cidrs) {
            acls.add(new Acl(acl, new io.pointsman.proxy.config.AclMatch.Src(Arrays.stream(cidrs).map(Cidr::parse).toList())));
            return this;
        }

        public FrontendBuilder sniAcl(String acl, String... names) {
            acls.add(new Acl(acl, new io.pointsman.proxy.config.AclMatch.Sni(List.of(names))));
            return this;
        }

        public FrontendBuilder use(String backend, String condition) {
            rules.add(new UseBackend(backend, Condition.parse(condition), null));
            return this;
        }

        public TestConfig end() {
            return TestConfig.this;
        }

        Frontend build() {
            return new Frontend(name, mode, Bind.plain(binds), null, maxconn, null, acceptProxy, null, acls, rules,
                    defaultBackend);
        }
    }

    public final class BackendBuilder {
        private final String name;
        private final List<Server> servers = new ArrayList<>();
        private SendProxy sendProxy;
        private Integer retries;
        private Boolean redispatch;
        private Balance balance;
        private Check check;
        private Boolean abortOnClose;

        BackendBuilder(String name) {
            this.name = name;
        }

        public BackendBuilder server(String server, HostPort address) {
            servers.add(new Server(server, address, null, null, null, null, null));
            return this;
        }

        public BackendBuilder server(String server, HostPort address, int maxconn) {
            servers.add(new Server(server, address, null, null, null, maxconn, null));
            return this;
        }

        /** A server with {@code disabled: true} (MAINT): never picked. */
        public BackendBuilder disabledServer(String server, HostPort address) {
            servers.add(new Server(server, address, null, null, null, null, true));
            return this;
        }

        /** A server with {@code check: true}. */
        public BackendBuilder checkedServer(String server, HostPort address) {
            servers.add(new Server(server, address, null, true, null, null, null));
            return this;
        }

        public BackendBuilder check(Check check) {
            this.check = check;
            return this;
        }

        public BackendBuilder sendProxy(SendProxy v) {
            this.sendProxy = v;
            return this;
        }

        public BackendBuilder retries(int n, boolean redispatch) {
            this.retries = n;
            this.redispatch = redispatch;
            return this;
        }

        public BackendBuilder abortOnClose(boolean on) {
            this.abortOnClose = on;
            return this;
        }

        public BackendBuilder balance(Balance b) {
            this.balance = b;
            return this;
        }

        public TestConfig end() {
            return TestConfig.this;
        }

        Backend build() {
            return new Backend(name, null, balance, check, sendProxy, null, retries, redispatch, null, List.of(),
                    abortOnClose, servers);
        }
    }
}
