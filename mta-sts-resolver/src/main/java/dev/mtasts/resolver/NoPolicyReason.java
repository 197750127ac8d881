package dev.mtasts.resolver;

/**
 * Why a delivery proceeds without MTA-STS.
 */
public enum NoPolicyReason {
  /** The domain publishes no {@code _mta-sts} record (TXT-7). */
  NO_RECORD,
  /** Several {@code v=STSv1} records: treated as none (TXT-7). */
  MULTIPLE_RECORDS,
  /** The {@code v=STSv1} record is invalid: treated as none (TXT-7). */
  INVALID_RECORD,
  /** DNS failed and nothing is cached; configured to deliver without a policy (CAC-5). */
  DNS_FAILURE,
  /** The record is valid but the policy could not be fetched, and nothing is cached (CAC-5). */
  FETCH_FAILED,
  /** A fetch of this policy id failed recently and is not retried yet (FET-12, CAC-5). */
  FETCH_BACKOFF,
  /** The policy's mode is {@code none} (CAC-10, APP-3). */
  MODE_NONE
}
