package io.pointsman.agent.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Fires the next poll once, at a time the engine picks after every sync (poll ± jitter, or a
 * back-off delay): a one-shot Quartz {@code SimpleTrigger} rescheduled each time. Quartz runs
 * with an in-memory job store and one thread of its own; the job only asks the engine for a sync
 * (which runs on the engine's sync thread), so a slow git never holds the Quartz thread.
 */
final class PollScheduler implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        // Quartz announces every scheduler at INFO in a dozen lines; one per node start is noise.
        // Only a default: an operator's own setting wins.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.quartz") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.quartz", "warn");
        }
    }
    private static final String CALLBACK = "pointsman.poll";

    private final Scheduler scheduler;
    private final JobKey job;
    private final TriggerKey trigger;

    PollScheduler(String node, Runnable onPoll) throws SchedulerException {
        Properties p = new Properties();
        String name = "pointsman-sync-" + node + "-" + INSTANCES.incrementAndGet();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.threadPool.threadNamePrefix", name + "-worker");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        this.scheduler = new StdSchedulerFactory(p).getScheduler();
        this.scheduler.getContext().put(CALLBACK, onPoll);
        this.job = JobKey.jobKey("poll", name);
        this.trigger = TriggerKey.triggerKey("next-poll", name);
        JobDetail detail = JobBuilder.newJob(PollJob.class).withIdentity(job).storeDurably().build();
        scheduler.addJob(detail, false);
        scheduler.start();
    }

    /** Replaces any pending poll with one at {@code at}. */
    synchronized void pollAt(Instant at) throws SchedulerException {
        Trigger t = TriggerBuilder.newTrigger().withIdentity(trigger).forJob(job)
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (scheduler.checkExists(trigger)) {
            scheduler.rescheduleJob(trigger, t);
        } else {
            scheduler.scheduleJob(t);
        }
    }

    /** {@code base} stretched or shrunk by a random factor in [1 - jitter, 1 + jitter]. */
    static Duration jittered(Duration base, double jitter) {
        double f = 1 + (Math.random() * 2 - 1) * jitter;
        return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * f)));
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            // Shutting down; nothing left to do with a scheduler that will not stop cleanly.
        }
    }

    /** The Quartz job: hands the poll to the engine. Public with a no-arg constructor for Quartz. */
    public static final class PollJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                ((Runnable) context.getScheduler().getContext().get(CALLBACK)).run();
            } catch (SchedulerException e) {
                throw new JobExecutionException(e);
            }
        }
    }
}
