package dev.mtasts.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds back fake answers until released, so a test can make many calls while a lookup or fetch
 * is "in flight" and then let it finish, without sleeping.
 */
public final class Gate {
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final AtomicInteger waiting = new AtomicInteger();

  Gate() {}

  /** Lets every held and future answer through. */
  public void release() {
    opened.complete(null);
  }

  /**
   * Returns how many answers are waiting at the gate.
   *
   * @return the number of calls held so far
   */
  public int waiting() {
    return waiting.get();
  }

  <T> CompletionStage<T> hold(T value) {
    waiting.incrementAndGet();
    return opened.thenApply(v -> value);
  }
}
