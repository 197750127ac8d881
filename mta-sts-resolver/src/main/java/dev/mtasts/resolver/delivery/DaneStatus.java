package dev.mtasts.resolver.delivery;

/**
 * The caller's DANE (RFC 7672) verdict for one MX host.
 */
public enum DaneStatus {
  /** The host has no usable TLSA records (or the caller does not do DANE). */
  NOT_APPLICABLE,
  /** TLSA records exist and the caller will authenticate the host with them. */
  USABLE,
  /** DANE validation failed (for example DNSSEC bogus TLSA records): never rescued by MTA-STS. */
  FAILED
}
