package dev.mtasts.resolver;

/**
 * What a resolver holds in memory now, against its caps (SEC-23). The persistent store is not
 * counted: entries evicted from memory stay there and are loaded again on their next resolution.
 *
 * @param domains how many domains have state in memory (policies, "no record" answers, back-offs)
 * @param bytes the policy text held in memory, in characters (one byte each for the ASCII text
 *     RFC 8461 §3.2 policies consist of)
 * @param fetchesRunning policy fetches in flight now
 * @param fetchesWaiting policy fetches waiting for a free slot
 * @see MtaStsResolver#cacheStats()
 */
public record CacheStats(int domains, long bytes, int fetchesRunning, int fetchesWaiting) {

  /**
   * Validates the counts.
   *
   * @param domains the {@code domains} component
   * @param bytes the {@code bytes} component
   * @param fetchesRunning the {@code fetchesRunning} component
   * @param fetchesWaiting the {@code fetchesWaiting} component
   * @throws IllegalArgumentException if a count is negative
   */
  public CacheStats {
    if (domains < 0 || bytes < 0 || fetchesRunning < 0 || fetchesWaiting < 0) {
      throw new IllegalArgumentException("negative cache statistics");
    }
  }
}
