package dev.mtasts.core.dns;

import java.util.Objects;

/**
 * A DNS outcome together with whether it was authenticated with DNSSEC, as DANE needs it (RFC 7672
 * §2.1: only "secure" MX and TLSA answers count).
 *
 * <p>The four outcomes are told apart as for every lookup: records, NXDOMAIN, NODATA, and a
 * temporary failure; a failure with reason {@link DnsFailure#DNSSEC_BOGUS} is an answer that
 * failed validation (RFC 4035 §5.5), which is never used.
 *
 * @param <T> the record type
 * @param outcome the outcome
 * @param status whether it was authenticated; never {@link DnssecStatus#SECURE} for a failure
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.1">RFC 7672 §2.1</a>
 */
public record DnssecOutcome<T>(DnsOutcome<T> outcome, DnssecStatus status) {

  /**
   * Validates the components.
   *
   * @param outcome the {@code outcome} component
   * @param status the {@code status} component
   * @throws IllegalArgumentException if a temporary failure is marked {@link DnssecStatus#SECURE}
   */
  public DnssecOutcome {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(status, "status");
    if (status == DnssecStatus.SECURE && outcome instanceof DnsOutcome.TemporaryFailure) {
      throw new IllegalArgumentException("a temporary failure cannot be authenticated: " + outcome);
    }
  }

  /**
   * An outcome of a lookup that does no DNSSEC.
   *
   * @param <T> the record type
   * @param outcome the outcome
   * @return the outcome, {@link DnssecStatus#NOT_VALIDATED}
   */
  public static <T> DnssecOutcome<T> notValidated(DnsOutcome<T> outcome) {
    return new DnssecOutcome<>(outcome, DnssecStatus.NOT_VALIDATED);
  }

  /**
   * Tells whether the outcome was authenticated ({@link DnssecStatus#SECURE}).
   *
   * @return whether it may be relied on for DANE
   */
  public boolean authenticated() {
    return status == DnssecStatus.SECURE;
  }

  /**
   * Tells whether the answer failed DNSSEC validation (RFC 4035 §5.5, "Bogus").
   *
   * @return whether the outcome is a {@link DnsFailure#DNSSEC_BOGUS} failure
   */
  public boolean bogus() {
    return outcome instanceof DnsOutcome.TemporaryFailure<T> f
        && f.reason() == DnsFailure.DNSSEC_BOGUS;
  }
}
