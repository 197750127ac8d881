package dev.mtasts.resolver;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The cap on policy fetches in flight (SEC-23): at most {@code max} run at once; the others wait
 * in arrival order. A waiting fetch is bounded in time by the fetch deadline (the resolver's
 * deadline starts when the fetch is asked for, so one that cannot start in time fails as a
 * timeout and leaves the queue) and in number by single flight (at most one discovery, one
 * re-check and one refresh per domain). A slot is given back when the resolver's view of the fetch
 * ends, deadline included, so a fetcher that never answers cannot hold slots forever.
 */
final class FetchSlots {
  /** One request for a slot; {@link #ready} completes when it is granted. */
  static final class Slot {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private boolean granted;
    private boolean released;
  }

  private final int max;
  private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
  private int running;

  FetchSlots(int max) {
    this.max = max;
  }

  /** Asks for a slot; its {@code ready} future completes at once when one is free. */
  Slot acquire() {
    Slot slot = new Slot();
    synchronized (this) {
      if (running < max) {
        running++;
        slot.granted = true;
      } else {
        waiting.add(slot);
      }
    }
    if (slot.granted) {
      slot.ready.complete(null);
    }
    return slot;
  }

  /** Gives a slot back (or leaves the queue) once; hands a freed slot to the next waiting fetch. */
  void release(Slot slot) {
    Slot next = null;
    synchronized (this) {
      if (slot.released) {
        return;
      }
      slot.released = true;
      if (!slot.granted) {
        waiting.remove(slot);
        return;
      }
      next = waiting.poll();
      if (next == null) {
        running--;
      } else {
        next.granted = true;
      }
    }
    // Completed outside the lock: the next fetch starts on this thread's continuation.
    if (next != null) {
      next.ready.complete(null);
    }
  }

  /** Whether a slot was given back already (its fetch ended or missed its deadline). */
  synchronized boolean released(Slot slot) {
    return slot.released;
  }

  /** The number of fetches running now. */
  synchronized int running() {
    return running;
  }

  /** The number of fetches waiting for a slot. */
  synchronized int waiting() {
    return waiting.size();
  }
}
