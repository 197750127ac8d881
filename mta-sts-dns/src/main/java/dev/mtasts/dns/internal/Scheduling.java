package dev.mtasts.dns.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Runs work on the configured executor, now or after a delay.
 *
 * <p>Delays are measured by the caller's {@link ScheduledExecutorService} when one was given, else
 * by the JDK's {@link CompletableFuture#delayedExecutor(long, TimeUnit, Executor)}, whose single
 * daemon thread is started lazily by the JDK and shared by the whole JVM. Either way the timer
 * thread only hands the task over to the executor; the task itself runs there.
 */
public final class Scheduling {
  private final Executor executor;
  private final @Nullable ScheduledExecutorService scheduler;

  /**
   * Creates the scheduling.
   *
   * @param executor where tasks run
   * @param scheduler what measures delays, or {@code null} for the JDK's shared delayer
   */
  public Scheduling(Executor executor, @Nullable ScheduledExecutorService scheduler) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.scheduler = scheduler;
  }

  /**
   * Runs {@code task} on the executor, or on the calling thread if the executor rejects it (so
   * that a lookup still completes when the executor is shutting down).
   *
   * @param task the task
   */
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * Runs {@code task} on the executor after {@code delay}.
   *
   * @param delay how long to wait
   * @param task the task; it must be harmless when it runs after the work it guards is done
   * @return an action that cancels the task if it has not started
   */
  public Runnable schedule(Duration delay, Runnable task) {
    OnceTask once = new OnceTask(task);
    Runnable handOver = () -> execute(once);
    long nanos = delay.toNanos();
    ScheduledExecutorService s = scheduler;
    if (s == null) {
      // The JDK delayer cannot cancel: the cancel action drops the task so that the timer keeps
      // nothing but an empty shell alive until it fires.
      CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, Runnable::run).execute(handOver);
      return once::cancel;
    }
    ScheduledFuture<?> future = s.schedule(handOver, nanos, TimeUnit.NANOSECONDS);
    return () -> {
      once.cancel();
      future.cancel(false);
    };
  }

  /** A task that runs at most once and can be dropped before it runs. */
  private static final class OnceTask implements Runnable {
    private final AtomicReference<@Nullable Runnable> task;

    OnceTask(Runnable task) {
      this.task = new AtomicReference<>(task);
    }

    void cancel() {
      task.set(null);
    }

    @Override
    public void run() {
      Runnable t = task.getAndSet(null);
      if (t != null) {
        t.run();
      }
    }
  }
}
