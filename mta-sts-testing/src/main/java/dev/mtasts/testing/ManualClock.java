package dev.mtasts.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when told to; thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * clock.advance(Duration.ofMinutes(6));
 * MtaStsResolver.builder().clock(clock).ticker(clock.ticker())...
 * }</pre>
 */
public final class ManualClock implements InstantSource {
  private final AtomicReference<Instant> now;
  private final AtomicLong elapsedNanos = new AtomicLong();

  private ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /**
   * Creates a clock showing {@code start}.
   *
   * @param start the initial time
   * @return the clock
   */
  public static ManualClock at(Instant start) {
    return new ManualClock(Objects.requireNonNull(start, "start"));
  }

  /**
   * Moves the clock forward.
   *
   * @param step how far; not negative
   * @return the new time
   * @throws IllegalArgumentException if {@code step} is negative
   */
  public Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward: " + step);
    }
    elapsedNanos.addAndGet(step.toNanos());
    return now.updateAndGet(t -> t.plus(step));
  }

  /**
   * The monotonic twin of this clock, for a resolver's {@code ticker(...)}: it moves with
   * {@link #advance} and never with {@link #set}, as {@code System.nanoTime()} ignores a step of
   * the wall clock.
   *
   * @return nanoseconds elapsed by {@link #advance} since the clock was made
   */
  public LongSupplier ticker() {
    return elapsedNanos::get;
  }

  /**
   * Sets the clock to a given time, which may be earlier (to test clock steps).
   *
   * @param time the new time
   */
  public void set(Instant time) {
    now.set(Objects.requireNonNull(time, "time"));
  }

  @Override
  public Instant instant() {
    return java.util.Objects.requireNonNull(now.get());
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
