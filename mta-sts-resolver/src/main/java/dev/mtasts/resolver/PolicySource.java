package dev.mtasts.resolver;

/**
 * Where an active policy came from.
 */
public enum PolicySource {
  /** Fetched over HTTPS for this resolution (CAC-2, CAC-7). */
  FETCHED,
  /** The cached policy, confirmed by the TXT id or within the re-check interval (CAC-3). */
  CACHED,
  /** The cached policy, used because DNS, the TXT record or the fetch failed (CAC-6, TXT-13). */
  CACHED_AFTER_FAILURE
}
