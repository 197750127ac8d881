package dev.mtasts.owner.monitor;

import dev.mtasts.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A {@link MonitorScheduler} on a {@link ManualClock}: tasks run when a test advances time past them. */
final class ManualScheduler implements MonitorScheduler {
  private final ManualClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  private final class Task implements Cancellable {
    final Instant due;
    final long order;
    final Runnable runnable;
    boolean cancelled;

    Task(Instant due, long order, Runnable runnable) {
      this.due = due;
      this.order = order;
      this.runnable = runnable;
    }

    @Override
    public void cancel() {
      synchronized (ManualScheduler.this) {
        cancelled = true;
        tasks.remove(this);
      }
    }
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(clock.instant().plus(delay), sequence++, task);
    tasks.add(t);
    return t;
  }

  /** Tasks waiting (not cancelled). */
  synchronized int pending() {
    return tasks.size();
  }

  /** The due time of the earliest waiting task. */
  synchronized Optional<Instant> nextDue() {
    return tasks.stream().map(t -> t.due).min(Comparator.naturalOrder());
  }

  /** Advances the clock by {@code step}, running every task that falls due, in order, at its due time. */
  void advance(Duration step) {
    Instant end = clock.instant().plus(step);
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> !t.due.isAfter(end))
            .min(Comparator.<Task, Instant>comparing(t -> t.due).thenComparingLong(t -> t.order)).orElse(null);
        if (next == null) {
          break;
        }
        tasks.remove(next);
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.runnable.run();
    }
    if (end.isAfter(clock.instant())) {
      clock.set(end);
    }
  }
}
