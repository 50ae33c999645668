package io.pointsman.agent.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.system.AtomicFiles;
import io.pointsman.agent.state.Json;
import io.pointsman.agent.sync.SyncEvent;
import io.pointsman.agent.sync.SyncEvents;
import io.pointsman.proxy.config.NotifyEvent;
import io.pointsman.proxy.config.NotifyTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification outbox of one node (SPEC §11).
 *
 * <p>An event becomes one message per target that wants it, at most once ever: the key of
 * every message queued is remembered in {@code notify.json} (the last {@value #MAX_SENT}),
 * so a restart that applies the same revision again, or a bind failure retried at every
 * poll, sends nothing new. Messages not yet delivered are in that file too and are sent
 * after a restart. Each target has its own queue, delivered in order: a failed delivery is
 * retried with a doubling delay (capped), a receiver that answers 4xx (other than 408 and
 * 429) will never take it and it is dropped, and a message still undelivered after
 * {@code giveUpAfter} is dropped with a warning.
 *
 * <p>Targets are those of the config that serves now, asked at each event and each
 * delivery: a target removed by a commit loses its queue, a changed URL is used from the
 * next attempt. URLs appear only as {@link NotifyTarget#displayUrl()} in logs and metrics.
 */
public final class Notifier implements SyncEvents, AutoCloseable {
    public static final String FILE_NAME = "notify.json";
    static final int MAX_SENT = 2000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    /**
     * @param firstRetry   delay before the first retry; doubles after each failure
     * @param maxRetry     cap of that delay
     * @param giveUpAfter  a message not delivered this long after it was queued is dropped
     * @param maxPending   queued messages per target; past it the oldest is dropped
     */
    public record Settings(Duration firstRetry, Duration maxRetry, Duration giveUpAfter, int maxPending) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(24), 100);
    }

    /** A message waiting for delivery; what {@code notify.json} keeps of it. */
    record Pending(String target, String key, String body, Instant queued, int attempts) {
        Pending retried() {
            return new Pending(target, key, body, queued, attempts + 1);
        }
    }

    /** The file: keys of every message ever queued (newest last) and those not yet delivered. */
    record Saved(List<String> sent, List<Pending> pending) {
        Saved {
            sent = sent == null ? List.of() : List.copyOf(sent);
            pending = pending == null ? List.of() : List.copyOf(pending);
        }
    }

    private final String node;
    private final Path file;
    private final Supplier<List<NotifyTarget>> targets;
    private final UnaryOperator<String> redact;
    private final Clock clock;
    private final Settings settings;
    private final ObjectMapper json = Json.mapper();
    private final ScheduledThreadPoolExecutor thread;
    private final HttpClient http;

    // Notifier thread only.
    private final LinkedHashSet<String> sent = new LinkedHashSet<>();
    private final Map<String, ArrayDeque<Pending>> queues = new TreeMap<>();
    private final Set<String> busy = new HashSet<>();

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    /** HTTP sends whose answer has not been handled yet. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param stateDir where {@code notify.json} is kept; null: nowhere (nothing survives a restart)
     * @param targets the {@code sync.notify} of the config that serves now; null while nothing
     *                serves (messages wait until something does)
     * @param redact  the serving config's redactor, applied to every message text once more
     */
    public Notifier(String node, Path stateDir, Supplier<List<NotifyTarget>> targets, UnaryOperator<String> redact,
            Clock clock, Settings settings) {
        this.node = node;
        this.file = stateDir == null ? null : stateDir.resolve(FILE_NAME);
        this.targets = targets;
        this.redact = redact;
        this.clock = clock;
        this.settings = settings;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pointsman-notify-" + node);
            t.setDaemon(true);
            return t;
        });
        AtomicInteger n = new AtomicInteger();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(NotifyTarget.DEFAULT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "pointsman-notify-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    /** The usual wiring: targets and redaction from the applier's serving config, the system clock. */
    public static Notifier forNode(String node, Path stateDir, io.pointsman.agent.sync.ConfigApplier applier) {
        return new Notifier(node, stateDir, applier::notifyTargets, applier::redact, Clock.systemUTC(), Settings.DEFAULTS);
    }

    /** Loads {@code notify.json} and starts delivering what it left pending. Returns at once. */
    public Notifier start() {
        thread.execute(this::load);
        return this;
    }

    @Override
    public void publish(SyncEvent event) {
        List<NotifyTarget> now = targets.get();
        if (now == null || now.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> enqueue(event, now));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Messages queued and not yet delivered, over all targets. */
    public int pending() {
        return pendingCount.get();
    }

    // ---------------------------------------------------------------- notifier thread

    private void load() {
        if (file == null) {
            return;
        }
        Saved saved;
        try {
            saved = json.readValue(Files.readAllBytes(file), Saved.class);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            // Losing the outbox costs at worst a repeated or a missed message; never fatal.
            log.warn("cannot read {} ({}); starting with no notification history", file, e.getMessage());
            return;
        }
        if (saved == null) {
            return;
        }
        sent.addAll(saved.sent());
        for (Pending p : saved.pending()) {
            queue(p.target()).add(p);
            pendingCount.incrementAndGet();
        }
        queues.keySet().forEach(this::pump);
    }

    private void enqueue(SyncEvent e, List<NotifyTarget> now) {
        boolean changed = false;
        for (NotifyTarget t : now) {
            if (!t.wants(e.kind())) {
                continue;
            }
            if (e.kind() == NotifyEvent.FETCH_FAILING
                    && Duration.between(e.fetchFailingSince(), e.time()).compareTo(t.fetchFailingAfterOrDefault()) < 0) {
                continue;
            }
            String key = t.name() + "|" + e.key();
            if (!sent.add(key)) {
                continue;
            }
            while (sent.size() > MAX_SENT) {
                sent.remove(sent.iterator().next());
            }
            String body = redact.apply(MessageBodies.body(t.formatOrDefault(), node, e));
            ArrayDeque<Pending> q = queue(t.name());
            q.add(new Pending(t.name(), key, body, clock.instant(), 0));
            pendingCount.incrementAndGet();
            while (q.size() > settings.maxPending()) {
                Pending dropped = q.pollFirst();
                pendingCount.decrementAndGet();
                count(t.name(), "dropped");
                log.warn("notify {}: more than {} messages waiting; dropped the oldest ({})", t.name(),
                        settings.maxPending(), dropped.key());
            }
            changed = true;
        }
        if (changed) {
            save();
            now.forEach(t -> pump(t.name()));
        }
    }

    /** Sends the head of a target's queue unless a send or a retry timer is already running for it. */
    private void pump(String name) {
        ArrayDeque<Pending> q = queues.get(name);
        if (q == null || q.isEmpty() || busy.contains(name)) {
            return;
        }
        List<NotifyTarget> now = targets.get();
        if (now == null) {
            // Nothing serves yet (a restart with messages left over): the targets are unknown.
            retryLater(name, settings.firstRetry());
            return;
        }
        NotifyTarget target = now.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        if (target == null) {
            log.warn("notify {}: target no longer in the config; {} message(s) dropped", name, q.size());
            pendingCount.addAndGet(-q.size());
            counters(name, "dropped", q.size());
            queues.remove(name);
            save();
            return;
        }
        Pending p = q.peekFirst();
        if (Duration.between(p.queued(), clock.instant()).compareTo(settings.giveUpAfter()) > 0) {
            log.warn("notify {} ({}): giving up on {} after {} attempts", name, target.displayUrl(), p.key(), p.attempts());
            finish(name, "dropped");
            return;
        }
        busy.add(name);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.url()))
                    .timeout(target.timeoutOrDefault())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "pointsman/" + node)
                    .POST(HttpRequest.BodyPublishers.ofString(p.body()))
                    .build();
        } catch (IllegalArgumentException e) {
            busy.remove(name);
            log.warn("notify {}: URL not usable ({}); message dropped", name, target.displayUrl());
            finish(name, "dropped");
            return;
        }
        inFlight.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            try {
                thread.execute(() -> {
                    try {
                        delivered(name, target, p, response, error);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet(); // closed: the message stays in notify.json
            }
        });
    }

    private void delivered(String name, NotifyTarget target, Pending p, HttpResponse<?> response, Throwable error) {
        busy.remove(name);
        ArrayDeque<Pending> q = queues.get(name);
        if (q == null || q.peekFirst() != p) {
            pump(name); // the target was dropped meanwhile
            return;
        }
        int status = response == null ? 0 : response.statusCode();
        if (error == null && status >= 200 && status < 300) {
            log.info("notify {}: sent {}", name, p.key());
            finish(name, "delivered");
            return;
        }
        // An exception's message may quote the URL, which is a secret.
        String why = (error != null ? describe(error) : "HTTP " + status).replace(target.url(), target.displayUrl());
        if (error == null && status >= 400 && status < 500 && status != 408 && status != 429) {
            log.warn("notify {} ({}): {} refused the message ({}); dropped", name, target.displayUrl(), why, p.key());
            finish(name, "refused");
            return;
        }
        Pending again = p.retried();
        q.pollFirst();
        q.addFirst(again);
        count(name, "failed_attempt");
        Duration delay = backoff(again.attempts());
        log.warn("notify {} ({}): attempt {} failed ({}); retrying in {} ms", name, target.displayUrl(),
                again.attempts(), why, delay.toMillis());
        save();
        retryLater(name, delay);
    }

    private void retryLater(String name, Duration delay) {
        busy.add(name);
        try {
            thread.schedule(() -> {
                busy.remove(name);
                pump(name);
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The head of the queue is done (delivered or given up): next one. */
    private void finish(String name, String result) {
        ArrayDeque<Pending> q = queues.get(name);
        q.pollFirst();
        pendingCount.decrementAndGet();
        count(name, result);
        save();
        pump(name);
    }

    Duration backoff(int attempts) {
        long first = settings.firstRetry().toMillis();
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        return Duration.ofMillis(Math.min(settings.maxRetry().toMillis(), first * factor));
    }

    private ArrayDeque<Pending> queue(String name) {
        return queues.computeIfAbsent(name, k -> new ArrayDeque<>());
    }

    private void save() {
        if (file == null) {
            return;
        }
        List<Pending> pending = new ArrayList<>();
        queues.values().forEach(pending::addAll);
        try {
            AtomicFiles.writeDurably(file, json.writeValueAsBytes(new Saved(new ArrayList<>(sent), pending)));
        } catch (IOException e) {
            log.error("cannot write {}: {}", file, e.toString());
        }
    }

    private static String describe(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void count(String target, String result) {
        counters(target, result, 1);
    }

    private void counters(String target, String result, int n) {
        counters.computeIfAbsent(target + "\u0000" + result, k -> new LongAdder()).add(n);
    }

    /** {@code pointsman_notify_messages_total{target,result}} and the messages waiting. */
    @Override
    public String metricsText() {
        if (counters.isEmpty() && pendingCount.get() == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP pointsman_notify_messages_total Notification messages by target and result"
                + " (delivered, failed_attempt, refused, dropped).\n");
        sb.append("# TYPE pointsman_notify_messages_total counter\n");
        new TreeMap<>(counters).forEach((k, v) -> {
            String[] parts = k.split("\u0000", 2);
            sb.append("pointsman_notify_messages_total{target=\"").append(escape(parts[0])).append("\",result=\"")
                    .append(parts[1]).append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP pointsman_notify_pending Notification messages waiting for delivery.\n");
        sb.append("# TYPE pointsman_notify_pending gauge\n");
        sb.append("pointsman_notify_pending ").append(pendingCount.get()).append('\n');
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * Stops delivering. A send in flight is given a moment to finish, so its result is written
     * down (a message delivered but not recorded would be sent again after a restart); retries
     * waiting for their time stay in {@code notify.json} for the next start.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
