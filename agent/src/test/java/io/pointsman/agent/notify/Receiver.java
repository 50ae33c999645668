package io.pointsman.agent.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver of notifications on loopback (the JDK's HTTP server): records every
 * POST body it gets and answers 503 to the first {@code failFirst} of them (then 200), or to
 * all while {@link #failing} is set, so a test can prove retries and that nothing is sent twice.
 */
public final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failFirst;
    public volatile boolean failing;

    private Receiver(int failFirst) throws IOException {
        this.failFirst = new AtomicInteger(failFirst);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-notify-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.incrementAndGet();
            boolean fail = failing || this.failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (!fail) {
                delivered.add(new String(body, StandardCharsets.UTF_8));
                paths.add(exchange.getRequestURI().getPath());
            }
            exchange.sendResponseHeaders(fail ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
    }

    public static Receiver start(int failFirst) throws IOException {
        return new Receiver(failFirst);
    }

    /** A URL with a secret-looking path, as Slack's are. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Bodies answered with 200, in arrival order. */
    public List<String> delivered() {
        return List.copyOf(delivered);
    }

    public List<String> paths() {
        return List.copyOf(paths);
    }

    /** Every POST, failed ones included. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
