package dev.mtasts.resolver.delivery;

/**
 * The DANE (RFC 7672) state of a whole destination domain, which decides whether its MTA-STS policy
 * applies at all: a sender that implements DANE uses it in preference to MTA-STS (RFC 8461 §2).
 */
public enum DomainDane {
  /**
   * The domain's MX RRset is DNSSEC-validated and at least one MX host has DNSSEC-validated TLSA
   * records (RFC 7672 §2.2): DANE governs delivery, not MTA-STS.
   */
  PRESENT,
  /** No DANE: the MX RRset is not signed, or no MX host has validated TLSA records. */
  ABSENT,
  /** The DNS could not tell (timeout, SERVFAIL, a bogus answer): the caller decides what that means. */
  UNKNOWN
}
