package io.pointsman.proxy.http;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Defaults;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.config.UseBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Normalized http-mode configs for proxy tests, without YAML. */
final class HttpConfigs {
    private final List<Acl> acls = new ArrayList<>();
    private final List<UseBackend> rules = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();
    private String defaultBackend;
    private boolean forwardFor = true;
    private boolean acceptProxy;
    private io.pointsman.proxy.config.Tls tls;
    private int retries = 2;
    private Balance balance;
    private HttpReuse httpReuse;
    private List<RetryOn> retryOn = List.of();
    private Boolean abortOnClose;
    private Integer maxOldGenerations;
    private Timeouts timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1),
            Duration.ofSeconds(2));

    HttpConfigs acl(Acl acl) {
        acls.add(acl);
        return this;
    }

    static Acl pathBeg(String name, String... prefixes) {
        return new Acl(name, new AclMatch.PathBeg(List.of(prefixes)));
    }

    static Acl host(String name, String... hosts) {
        return new Acl(name, new AclMatch.Host(List.of(hosts)));
    }

    static Acl method(String name, String... methods) {
        return new Acl(name, new AclMatch.Method(List.of(methods)));
    }

    static Acl header(String name, String header, String... values) {
        return new Acl(name, new AclMatch.Header(header, new TextMatch.Values(List.of(values))));
    }

    HttpConfigs use(String backend, String condition) {
        rules.add(new UseBackend(backend, Condition.parse(condition), null));
        return this;
    }

    HttpConfigs defaultBackend(String name) {
        defaultBackend = name;
        return this;
    }

    HttpConfigs forwardFor(boolean on) {
        forwardFor = on;
        return this;
    }

    HttpConfigs acceptProxy(boolean on) {
        acceptProxy = on;
        return this;
    }

    HttpConfigs tls(io.pointsman.proxy.config.Tls t) {
        tls = t;
        return this;
    }

    HttpConfigs retries(int n) {
        retries = n;
        return this;
    }

    /** For the backends added after this call. */
    HttpConfigs balance(Balance b) {
        balance = b;
        return this;
    }

    /** For the backends added after this call. */
    HttpConfigs httpReuse(HttpReuse reuse) {
        httpReuse = reuse;
        return this;
    }

    /** For the backends added after this call. */
    HttpConfigs retryOn(String... events) {
        retryOn = java.util.Arrays.stream(events).map(RetryOn::parse).toList();
        return this;
    }

    /** For the backends added after this call. */
    HttpConfigs abortOnClose(boolean on) {
        abortOnClose = on;
        return this;
    }

    HttpConfigs maxOldGenerations(int n) {
        maxOldGenerations = n;
        return this;
    }

    HttpConfigs timeouts(Timeouts t) {
        timeouts = t;
        return this;
    }

    HttpConfigs backend(String name, HostPort... servers) {
        List<Server> list = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            list.add(new Server(name + i, servers[i], null, null, null, null, null));
        }
        backends.add(backend(name, list));
        return this;
    }

    /** A backend whose servers each take at most {@code maxconn} requests at once. */
    HttpConfigs backendWithMaxconn(String name, int maxconn, HostPort... servers) {
        List<Server> list = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            list.add(new Server(name + i, servers[i], null, null, null, maxconn, null));
        }
        backends.add(backend(name, list));
        return this;
    }

    private Backend backend(String name, List<Server> servers) {
        return new Backend(name, Mode.HTTP, balance, null, null, null, retries, true, httpReuse, retryOn, abortOnClose,
                servers);
    }

    ProxyConfig build(String bind) {
        Frontend fe = new Frontend("fe", Mode.HTTP, List.of(Bind.plain(HostPort.parse(bind))), tls, null, forwardFor, acceptProxy,
                null, acls, rules, defaultBackend);
        ProxyConfig raw = new ProxyConfig(1, new Global(null, 1, null, null, maxOldGenerations),
                new Defaults(Mode.HTTP, timeouts, null, null, null), null, List.of(fe), backends, List.of(), null,
                null);
        return Normalizer.normalize(raw);
    }
}
