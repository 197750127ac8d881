package dev.mtasts.resolver;

/**
 * The state of the cache for a domain when a resolution was decided.
 */
public enum CacheState {
  /** Nothing cached. */
  EMPTY,
  /** A policy is cached and still valid (CAC-1). */
  VALID,
  /** A policy is cached but its {@code max_age} has passed. */
  EXPIRED,
  /** A recent lookup found no policy record; that answer was reused. */
  NEGATIVE,
  /** The policy store could not be read. */
  UNAVAILABLE
}
