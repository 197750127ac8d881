package dev.mtasts.benchmarks;

/**
 * The synthetic domains every resolver benchmark uses: {@code d<i>.bench.test}, each publishing
 * one {@code _mta-sts} record and serving an {@code enforce} policy with two {@code mx} lines,
 * the shape most real policies have.
 */
public final class BenchDomains {
  /** The TXT id every synthetic domain publishes. */
  public static final String POLICY_ID = "20260101T000000";

  /** The {@code _mta-sts} TXT value every synthetic domain publishes. */
  public static final String STS_RECORD = "v=STSv1; id=" + POLICY_ID;

  /** The parent of every synthetic domain. */
  public static final String ZONE = "bench.test";

  private BenchDomains() {}

  /**
   * Returns the name of synthetic domain {@code i}.
   *
   * @param i the index, from 0
   * @return {@code d<i>.bench.test}
   */
  public static String domain(int i) {
    return "d" + i + "." + ZONE;
  }

  /**
   * Returns the index of a synthetic domain from its name, for fakes that answer by computation.
   *
   * @param domain {@code d<i>.bench.test}, as {@link #domain(int)} makes it
   * @return the index, or -1 if the name is not a synthetic domain
   */
  public static int indexOf(String domain) {
    if (domain.length() < 2 + ZONE.length() || domain.charAt(0) != 'd'
        || !domain.endsWith("." + ZONE)) {
      return -1;
    }
    int end = domain.length() - ZONE.length() - 1;
    int i = 0;
    for (int p = 1; p < end; p++) {
      char c = domain.charAt(p);
      if (c < '0' || c > '9' || i > 100_000_000) {
        return -1;
      }
      i = i * 10 + (c - '0');
    }
    return end > 1 ? i : -1;
  }

  /**
   * Returns the policy body synthetic domain {@code i} serves: {@code enforce}, two MX hosts of
   * its own, one week.
   *
   * @param i the index
   * @return the body, CRLF line endings as {@code MtaStsPolicy.toText()} writes them
   */
  public static String policy(int i) {
    return "version: STSv1\r\nmode: enforce\r\nmx: mx1.d" + i + "." + ZONE + "\r\nmx: mx2.d" + i + "."
        + ZONE + "\r\nmax_age: 604800\r\n";
  }
}
