package dev.mtasts.core;

import java.util.Objects;

/**
 * One problem found while parsing a policy body or a TXT record.
 *
 * @param code the stable machine-readable code
 * @param severity whether the problem rejects the input
 * @param line the 1-based line number, or 0 when the problem concerns the whole input
 * @param column the 1-based column (in characters) where the problem starts, or 0 when unknown
 * @param field the field concerned, such as {@code "mode"}, or {@code ""} when none
 * @param message a sentence a person can act on
 */
public record ParseProblem(
    ProblemCode code, Severity severity, int line, int column, String field, String message) {

  /**
   * Validates the components.
   *
   * @param code the {@code code} component
   * @param severity the {@code severity} component
   * @param line the {@code line} component
   * @param column the {@code column} component
   * @param field the {@code field} component
   * @param message the {@code message} component
   * @throws NullPointerException if any reference is null
   * @throws IllegalArgumentException if {@code line} or {@code column} is negative
   */
  public ParseProblem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be >= 0: " + line + ", " + column);
    }
  }

  /**
   * Tells whether this problem rejects the input.
   *
   * @return {@code true} for {@link Severity#ERROR}
   */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * Returns a one-line rendering such as
   * {@code "line 2, column 7: error POLICY_INVALID_MODE (POL-6): mode value 'live' is ..."}.
   *
   * @return the location, severity, code, checklist ID and message
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(message.length() + 64);
    if (line > 0) {
      sb.append("line ").append(line);
      if (column > 0) {
        sb.append(", column ").append(column);
      }
      sb.append(": ");
    } else if (column > 0) {
      sb.append("column ").append(column).append(": ");
    }
    sb.append(severity.token()).append(' ').append(code.name())
        .append(" (").append(code.checklistId()).append("): ").append(message);
    return sb.toString();
  }
}
