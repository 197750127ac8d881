package dev.mtasts.resolver.delivery;

import dev.mtasts.core.dns.MxRecord;

/**
 * Lets a caller that implements DANE state, per MX host, whether DANE applies (RFC 8461 §2).
 */
@FunctionalInterface
public interface DaneCheck {

  /** A check for callers without DANE: every host is {@link DaneStatus#NOT_APPLICABLE}. */
  DaneCheck NONE = mx -> DaneStatus.NOT_APPLICABLE;

  /**
   * Returns the DANE status of one MX host.
   *
   * @param mx the MX record
   * @return the status
   */
  DaneStatus status(MxRecord mx);
}
