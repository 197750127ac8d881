package dev.mtasts.fetch.internal;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The default clock for elapsed times: anchored to the wall clock once, then advanced by
 * {@link System#nanoTime()}, so that a wall-clock step never makes a fetch look negative or
 * minutes long.
 */
public final class MonotonicClock implements InstantSource {
  private final Instant origin = Instant.now();
  private final long originNanos = System.nanoTime();

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public String toString() {
    return "MonotonicClock[origin=" + origin + "]";
  }
}
