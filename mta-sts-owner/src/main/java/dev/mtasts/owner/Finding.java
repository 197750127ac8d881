package dev.mtasts.owner;

import dev.mtasts.core.Severity;
import java.util.Objects;

/**
 * One thing the generator or the checker found.
 *
 * @param code the stable code
 * @param severity how much it matters here
 * @param message what was found, with the concrete values
 */
public record Finding(FindingCode code, Severity severity, String message) {

  /**
   * Validates the components.
   *
   * @param code the {@code code} component
   * @param severity the {@code severity} component
   * @param message the {@code message} component
   */
  public Finding {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Creates a finding with the code's default severity.
   *
   * @param code the code
   * @param message what was found
   * @return the finding
   */
  public static Finding of(FindingCode code, String message) {
    return new Finding(code, code.defaultSeverity(), message);
  }

  /**
   * Returns the checklist rule concerned.
   *
   * @return {@code code().checklistId()}
   */
  public String checklistId() {
    return code.checklistId();
  }

  /**
   * Returns the one-line fix.
   *
   * @return {@code code().fix()}
   */
  public String fix() {
    return code.fix();
  }
}
