package dev.mtasts.owner.monitor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: the one source of time-based wake-ups of {@link MtaStsMonitor} (the
 * next round and each check's deadline), so that the monitor starts no thread of its own and a
 * test drives it with a manual clock (MON-33).
 */
@FunctionalInterface
public interface MonitorScheduler {

  /**
   * Runs {@code task} once, {@code delay} from now.
   *
   * @param task the task
   * @param delay the delay, zero or more
   * @return a handle that cancels the task if it has not run yet
   */
  Cancellable schedule(Runnable task, Duration delay);

  /**
   * Cancels a scheduled task.
   */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; idempotent. */
    void cancel();
  }

  /**
   * Adapts a {@link ScheduledExecutorService} (which the caller owns and shuts down).
   *
   * @param executor the executor
   * @return a scheduler on it
   */
  static MonitorScheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delay) -> {
      ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
