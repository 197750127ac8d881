package dev.mtasts.owner;

/**
 * How the generator makes the {@code id} of the {@code _mta-sts} record.
 */
public enum PolicyIdStrategy {
  /**
   * The first 32 hex digits of the SHA-256 of the canonical policy text: deterministic, so the id
   * changes exactly when the policy does, and a checker can tell when it did not (CAC-13).
   */
  CONTENT,
  /** The UTC time of generation as {@code yyyyMMddHHmmss}. */
  TIMESTAMP
}
