package dev.mtasts.owner;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import java.util.Objects;

/**
 * One thing the generator or the checker found.
 *
 * <p>The message quotes what the checker saw (TXT values, header values, EHLO replies, certificate
 * names), so it is escaped here, once, with {@link SafeText#escape(CharSequence)}: whoever prints a
 * finding to a terminal or a log line cannot be made to run a control sequence from the network
 * (SEC-12, RFC 8461 §10). The raw values stay available in {@link CheckReport}.
 *
 * @param code the stable code
 * @param severity how much it matters here
 * @param message what was found, with the concrete values; stored escaped
 * @param fix the one-line fix: the code's {@link FindingCode#fix()}, with {@code <domain>} replaced
 *     by the domain once it is known ({@link #forDomain}); stored escaped
 */
public record Finding(FindingCode code, Severity severity, String message, String fix) {

  /**
   * Validates the components.
   *
   * @param code the {@code code} component
   * @param severity the {@code severity} component
   * @param message the {@code message} component; control, bidirectional and line-separator
   *     characters in it are replaced by visible escapes
   * @param fix the {@code fix} component; escaped the same way
   */
  public Finding {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    message = SafeText.escape(Objects.requireNonNull(message, "message"));
    fix = SafeText.escape(Objects.requireNonNull(fix, "fix"));
  }

  /**
   * Creates a finding with the code's generic fix.
   *
   * @param code the code
   * @param severity how much it matters here
   * @param message what was found
   */
  public Finding(FindingCode code, Severity severity, String message) {
    this(code, severity, message, code.fix());
  }

  /**
   * Returns this finding with its fix written for {@code domain}: every {@code <domain>} in the
   * fix becomes the domain's name, so the owner reads the exact name to publish or serve
   * (APP-12).
   *
   * @param domain the Policy Domain checked
   * @return the finding with a concrete fix
   */
  public Finding forDomain(PolicyDomain domain) {
    return new Finding(code, severity, message, fix.replace("<domain>", domain.name()));
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
}
