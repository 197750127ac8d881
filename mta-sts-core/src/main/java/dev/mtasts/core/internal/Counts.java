package dev.mtasts.core.internal;

/**
 * Sums of counts that come from others (TLS-RPT reports anyone can mail, RFC 8460 §3): they
 * saturate at {@link Long#MAX_VALUE} instead of wrapping to a negative number, so a hostile count
 * can neither make a sum negative nor make a validating constructor throw.
 */
public final class Counts {
  private Counts() {}

  /**
   * Adds two counts, saturating.
   *
   * @param a a count
   * @param b another count
   * @return {@code a + b}, or {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE}) when the sum does
   *     not fit in a {@code long}
   */
  public static long saturatingAdd(long a, long b) {
    long s = a + b;
    // Overflow only when both have the sign the sum lacks (Hacker's Delight 2-13).
    if (((a ^ s) & (b ^ s)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return s;
  }
}
