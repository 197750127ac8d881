package dev.mtasts.core.dns;

/**
 * Why a DNS lookup failed temporarily. For MTA-STS every one of these means "DNS is failing right
 * now": keep using a cached policy (CAC-6, SEC-3).
 */
public enum DnsFailure {
  /** The server answered SERVFAIL (for example a DNSSEC validation failure upstream). */
  SERVFAIL,
  /** The server answered REFUSED. */
  REFUSED,
  /** The server answered with another error RCODE (FORMERR, NOTIMP, ...). */
  OTHER_RCODE,
  /** No answer arrived within the per-query timeout or the overall deadline. */
  TIMEOUT,
  /** The server could not be reached (connection refused, unreachable, I/O error). */
  NETWORK_ERROR,
  /** The answer could not be parsed or did not match the question. */
  MALFORMED_ANSWER,
  /** The answer was larger than the configured bound. */
  ANSWER_TOO_LARGE,
  /** A CNAME chain looped or exceeded the configured length (TXT-10). */
  CNAME_CHAIN,
  /**
   * The answer failed DNSSEC validation ("Bogus", RFC 4035 §5.5): a signature is missing, expired
   * or wrong, or the chain of trust is broken. Reported only by lookups that validate, or that
   * trust a validating resolver's extended DNS error (RFC 8914 codes 1, 2 and 6 to 12); a plain
   * SERVFAIL stays {@link #SERVFAIL}.
   */
  DNSSEC_BOGUS
}
