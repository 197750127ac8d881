package dev.mtasts.testing;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until told to, so a test decides exactly when background work
 * happens. Thread-safe.
 */
public final class QueueingExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();

  /** Creates an empty executor. */
  public QueueingExecutor() {}

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /**
   * Returns how many tasks are waiting.
   *
   * @return the queue length
   */
  public synchronized int pending() {
    return tasks.size();
  }

  /**
   * Runs queued tasks, including those they enqueue, until none is left.
   *
   * @return how many tasks ran
   */
  public int runAll() {
    int ran = 0;
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
      }
      if (next == null) {
        return ran;
      }
      next.run();
      ran++;
    }
  }
}
