package dev.mtasts.core.dns;

/**
 * Whether a DNS answer was authenticated with DNSSEC (RFC 4033 §5, RFC 4035 §4.3). A bogus answer,
 * one that failed validation, is no answer at all: it is a {@link DnsOutcome.TemporaryFailure}
 * with reason {@link DnsFailure#DNSSEC_BOGUS}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc4035#section-4.3">RFC 4035 §4.3</a>
 */
public enum DnssecStatus {
  /**
   * The answer, records or their absence (NXDOMAIN, NODATA), was validated along a chain of trust
   * from a trust anchor ("Secure"), either by this process or by a validating resolver the lookup
   * was configured to trust.
   */
  SECURE,
  /**
   * The lookup validates, but this outcome is not authenticated: the zone is unsigned or below an
   * insecure delegation ("Insecure"), the trusted resolver did not set the AD bit, or the lookup
   * failed (see the outcome).
   */
  INSECURE,
  /**
   * The lookup does no DNSSEC at all (the default of {@link DnsLookup}, or an implementation
   * configured without a way to authenticate answers): nothing is known about authenticity.
   */
  NOT_VALIDATED
}
