package io.pointsman.proxy.runtime;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pointsman.proxy.stats.Counters;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections of one backend waiting for a server slot (every usable server at its
 * maxconn). Shared by all generations that have a backend of this name. When a slot
 * frees, the oldest waiter retries on its own event loop; a waiter that is not served
 * within {@code timeout.queue} gives up.
 */
public final class ServerQueue {
    private final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();

    /** Something that wants a slot. */
    public interface Attempt {
        /** Runs on the waiter's event loop; returns true when it got a slot (or gave up for good). */
        boolean retry();

        /** Runs on the waiter's event loop when the queue timeout passed. */
        void timedOut();

        /** Whether some usable server has a free slot right now (a retry would likely succeed). */
        boolean slotFree();
    }

    /** One waiting connection. */
    public final class Waiter {
        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;

        private final EventLoop loop;
        private final Attempt attempt;
        private final Counters counters;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final ScheduledFuture<?> timeout;
        private final long deadline;

        Waiter(EventLoop loop, Attempt attempt, long timeoutMillis, Counters counters) {
            this.loop = loop;
            this.attempt = attempt;
            this.counters = counters;
            counters.enqueue();
            this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            this.timeout = loop.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
        }

        private void expire() {
            if (state.compareAndSet(WAITING, DONE)) {
                waiters.remove(this);
                counters.dequeue();
                attempt.timedOut();
            }
        }

        /** Called from any thread when a slot frees; false when this waiter was no longer waiting. */
        boolean wake() {
            if (!state.compareAndSet(WAITING, RUNNING)) {
                return false;
            }
            loop.execute(() -> {
                if (attempt.retry()) {
                    finish();
                } else if (System.nanoTime() - deadline >= 0) {
                    // The timer fired while we were running; it did nothing, so give up here.
                    finish();
                    attempt.timedOut();
                } else if (state.compareAndSet(RUNNING, WAITING)) {
                    // Another connection took the slot first: keep our place at the head.
                    waiters.addFirst(this);
                    // A slot freed while we were running found nobody in the queue: look again.
                    if (attempt.slotFree()) {
                        slotFreed();
                    }
                }
            });
            return true;
        }

        /** The connection left (closed, served): stop waiting. */
        public void cancel() {
            if (state.compareAndSet(WAITING, DONE)) {
                waiters.remove(this);
                timeout.cancel(false);
                counters.dequeue();
            }
        }

        private void finish() {
            if (state.getAndSet(DONE) != DONE) {
                timeout.cancel(false);
                counters.dequeue();
            }
        }
    }

    /** Queues an attempt; it will be retried when a slot frees, or time out. */
    public Waiter enqueue(EventLoop loop, Attempt attempt, long timeoutMillis, Counters counters) {
        Waiter w = new Waiter(loop, attempt, timeoutMillis, counters);
        waiters.addLast(w);
        // A slot may have freed between the caller's failed attempt and now.
        if (attempt.slotFree()) {
            slotFreed();
        }
        return w;
    }

    /** A server of the backend freed a slot: wake the oldest waiter. */
    void slotFreed() {
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
            if (w.wake()) {
                return;
            }
        }
    }

    /** Counts the waiters (a walk of the queue): for tests and reports, not per request. */
    public int size() {
        return waiters.size();
    }

    /** Nobody waits (constant time, unlike {@link #size()}). */
    public boolean isEmpty() {
        return waiters.isEmpty();
    }
}
