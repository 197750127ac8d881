package dev.mtasts.resolver;

/**
 * What one round of proactive refreshes did (CAC-8).
 *
 * @param attempted how many cached policies were due and re-fetched
 * @param unchanged how many came back identical (their lifetime was extended, CAC-15)
 * @param changedWithoutNewId how many came back different under the same id (adopted and reported)
 * @param failed how many fetches failed (the cached policy stays; CAC-9 events were sent)
 */
public record RefreshSummary(int attempted, int unchanged, int changedWithoutNewId, int failed) {

  /**
   * Checks that the counts add up.
   *
   * @param attempted the {@code attempted} component
   * @param unchanged the {@code unchanged} component
   * @param changedWithoutNewId the {@code changedWithoutNewId} component
   * @param failed the {@code failed} component
   * @throws IllegalArgumentException if a count is negative or they do not add up
   */
  public RefreshSummary {
    if (attempted < 0 || unchanged < 0 || changedWithoutNewId < 0 || failed < 0
        || unchanged + changedWithoutNewId + failed != attempted) {
      throw new IllegalArgumentException("inconsistent refresh counts");
    }
  }
}
