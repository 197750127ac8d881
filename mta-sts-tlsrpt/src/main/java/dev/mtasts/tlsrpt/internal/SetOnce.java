package dev.mtasts.tlsrpt.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Builder support: options that may be set once, and argument checks that fail fast. */
public final class SetOnce {
  private final Set<String> names = new HashSet<>();

  /** Creates a tracker with no option set. */
  public SetOnce() {
    // Nothing set yet.
  }

  /**
   * Marks an option as set.
   *
   * @param name the option name, used in the message
   * @throws IllegalStateException if it was already set
   */
  public void mark(String name) {
    if (!names.add(name)) {
      throw new IllegalStateException(name + " was already set");
    }
  }

  /**
   * Checks a lower bound.
   *
   * @param value the value
   * @param min the smallest allowed value
   * @param name the option name, used in the message
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is less than {@code min}
   */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
    }
    return value;
  }

  /**
   * Checks that a duration is positive.
   *
   * @param d the duration
   * @param name the option name, used in the message
   * @return {@code d}
   * @throws IllegalArgumentException if {@code d} is zero or negative
   */
  public static Duration positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
    return d;
  }
}
