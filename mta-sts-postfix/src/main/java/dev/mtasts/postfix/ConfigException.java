package dev.mtasts.postfix;

import java.util.List;

/**
 * A configuration file that cannot be used: every problem found, each with its file and line
 * ({@code postfix.yml:12: unknown key 'zone' in the file (did you mean zones?)}), in the user's
 * words (PFX-18).
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The messages; a list of strings, so serializable. */
  @SuppressWarnings("serial")
  private final List<String> errors;

  /**
   * Creates the exception.
   *
   * @param errors the messages, at least one
   */
  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs a message");
    }
    this.errors = List.copyOf(errors);
  }

  /**
   * Returns every problem found, in file order.
   *
   * @return the messages
   */
  public List<String> errors() {
    return errors;
  }
}
