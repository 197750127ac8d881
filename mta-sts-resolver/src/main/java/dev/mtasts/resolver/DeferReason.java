package dev.mtasts.resolver;

/**
 * Why a resolution was deferred.
 */
public enum DeferReason {
  /** DNS failed and nothing is cached, and the resolver is configured to defer. */
  DNS_FAILURE,
  /** The policy store could not be read, and the resolver is configured to defer. */
  STORE_UNAVAILABLE
}
