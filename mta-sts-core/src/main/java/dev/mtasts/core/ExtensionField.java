package dev.mtasts.core;

import dev.mtasts.core.internal.Text;
import java.util.Objects;

/**
 * An unregistered {@code name: value} (policy) or {@code name=value} (TXT record) field, kept so
 * that parsed input serializes back without loss (POL-14, TXT-11).
 *
 * @param name the field name: a letter or digit, then up to 31 letters, digits, {@code _},
 *     {@code -} or {@code .}
 * @param value the value: not empty, no control characters, no leading or trailing space
 */
public record ExtensionField(String name, String value) {
  private static final int MAX_NAME_LENGTH = 32;

  /**
   * Validates the name and the value.
   *
   * @param name the {@code name} component
   * @param value the {@code value} component
   * @throws IllegalArgumentException if the name or the value is outside the RFC 8461 grammar
   */
  public ExtensionField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("extension field name " + Text.quote(name)
          + " is invalid: use 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit");
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException("extension field '" + name + "' has an empty value");
    }
    if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
      throw new IllegalArgumentException(
          "extension field '" + name + "' value starts or ends with a space");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("extension field '" + name + "' value "
            + Text.quote(value) + " has a control character at position " + (i + 1));
      }
    }
  }

  /**
   * Tells whether {@code s} is a valid extension field name (RFC 8461 §3.1 and §3.2:
   * {@code (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}).
   *
   * @param s a candidate name
   * @return {@code true} when valid
   */
  public static boolean isValidName(CharSequence s) {
    return isValidName(s, 0, s.length());
  }

  static boolean isValidName(CharSequence s, int from, int to) {
    int len = to - from;
    if (len < 1 || len > MAX_NAME_LENGTH || !isAlnum(s.charAt(from))) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '_' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
