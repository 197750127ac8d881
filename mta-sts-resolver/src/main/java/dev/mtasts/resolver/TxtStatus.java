package dev.mtasts.resolver;

/**
 * What the {@code _mta-sts} TXT lookup of a resolution found.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 */
public enum TxtStatus {
  /** No lookup was made: the cached answer was recent enough. */
  NOT_CHECKED,
  /** Exactly one valid {@code v=STSv1} record. */
  FOUND,
  /** NXDOMAIN, NODATA, or no record beginning with {@code v=STSv1} (TXT-7, TXT-8). */
  NO_RECORD,
  /** Several records begin with {@code v=STSv1} (TXT-7). */
  MULTIPLE_RECORDS,
  /** The one {@code v=STSv1} record is invalid (TXT-7). */
  INVALID_RECORD,
  /** The lookup failed temporarily (SERVFAIL, timeout, ...). */
  DNS_FAILURE
}
