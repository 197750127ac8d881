package dev.mtasts.core;

/**
 * How much a {@link ParseProblem} matters.
 */
public enum Severity {
  /** The input breaks the RFC: it is rejected. */
  ERROR,
  /** The input is accepted, but something in it is likely a mistake or a portability risk. */
  WARNING,
  /** A neutral observation, for owners' checkers and linters. */
  INFO;

  /**
   * Returns the lower-case name used in JSON and human output.
   *
   * @return {@code "error"}, {@code "warning"} or {@code "info"}
   */
  public String token() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
