package dev.mtasts.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ScheduledExecutorService} whose delays never pass on their own: tests fire the pending
 * tasks when they choose, so timeout verdicts do not depend on the wall clock.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final List<Task> pending = new ArrayList<>();

  /** Runs every task scheduled so far that is not cancelled; returns how many ran. */
  int fireAll() {
    return fireMatching(t -> true);
  }

  /**
   * Runs the tasks scheduled so far with exactly this delay that are not cancelled; returns how
   * many ran.
   */
  int fire(Duration delay) {
    long nanos = delay.toNanos();
    return fireMatching(t -> t.delayNanos == nanos);
  }

  private int fireMatching(Predicate<Task> which) {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Task> it = pending.iterator(); it.hasNext(); ) {
        Task t = it.next();
        if (which.test(t)) {
          due.add(t);
          it.remove();
        }
      }
    }
    int ran = 0;
    for (Task t : due) {
      if (!t.isCancelled()) {
        t.action.run();
        t.done = true;
        ran++;
      }
    }
    return ran;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(command, unit.toNanos(delay));
    pending.add(t);
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable c, long i, long p, TimeUnit u) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable c, long i, long d, TimeUnit u) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException("only schedule() is expected");
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return false;
  }

  private static final class Task implements ScheduledFuture<Object> {
    private final Runnable action;
    private final long delayNanos;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Runnable action, long delayNanos) {
      this.action = action;
      this.delayNanos = delayNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(delayNanos, o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("not needed by these tests");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("not needed by these tests");
    }
  }
}
