package dev.mtasts.core.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one set-once guard of every builder in the project: an option may be set once, to a
 * non-null value; a second call or an out-of-range value fails at once with a message that names
 * the option and speaks the user's units.
 */
public final class Builders {
  private Builders() {}

  /**
   * Checks that an option is set for the first time.
   *
   * @param current the option's current value, {@code null} while unset
   * @param value the new value
   * @param name the option's name, as the builder method is called
   * @param <T> the option's type
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalStateException if the option was already set
   */
  public static <T> T once(@Nullable Object current, T value, String name) {
    Objects.requireNonNull(value, name);
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + describe(current));
    }
    return value;
  }

  /**
   * Checks that a duration option is positive.
   *
   * @param d the duration
   * @param name the option's name
   * @return {@code d}
   * @throws IllegalArgumentException if it is zero or negative
   */
  public static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + Durations.human(d));
    }
    return d;
  }

  /**
   * Checks that a duration option is zero or positive.
   *
   * @param d the duration
   * @param name the option's name
   * @return {@code d}
   * @throws IllegalArgumentException if it is negative
   */
  public static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, not " + Durations.human(d));
    }
    return d;
  }

  /**
   * Checks that a count option is at least {@code min}.
   *
   * @param n the count
   * @param min the smallest allowed value
   * @param name the option's name
   * @return {@code n}
   * @throws IllegalArgumentException if it is smaller
   */
  public static int atLeast(int n, int min, String name) {
    if (n < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + n);
    }
    return n;
  }

  /**
   * Checks a long count or size against its smallest allowed value.
   *
   * @param n the count
   * @param min the smallest allowed value
   * @param name the option's name
   * @return {@code n}
   * @throws IllegalArgumentException if it is smaller
   */
  public static long atLeast(long n, long min, String name) {
    if (n < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + n);
    }
    return n;
  }

  /**
   * Set-once tracking by option name, for builders whose options are primitives (a count, a flag)
   * and so have no "unset" value; the message is the same as {@link #once}'s.
   */
  public static final class Tracker {
    private final Set<String> names = new HashSet<>();

    /** Creates a tracker with no option set. */
    public Tracker() {
      // Nothing is set yet.
    }

    /**
     * Marks an option as set.
     *
     * @param name the option's name, as the builder method is called
     * @throws IllegalStateException if it was already set
     */
    public void mark(String name) {
      if (!names.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }
  }

  private static String describe(Object value) {
    return value instanceof Duration d ? Durations.human(d) : String.valueOf(value);
  }
}
