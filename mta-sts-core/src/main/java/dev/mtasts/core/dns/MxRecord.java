package dev.mtasts.core.dns;

import java.util.Objects;

/**
 * One MX record: a preference and the target host.
 *
 * @param preference 0 to 65535; lower is preferred
 * @param host the target host name, without the trailing root dot; {@code ""} for the "null MX"
 *     of RFC 7505 (target {@code .})
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5321#section-5.1">RFC 5321 §5.1</a>
 */
public record MxRecord(int preference, String host) {

  /**
   * Validates the components.
   *
   * @param preference the {@code preference} component
   * @param host the {@code host} component
   * @throws IllegalArgumentException if {@code preference} is outside 0 to 65535 or {@code host}
   *     ends with a dot
   */
  public MxRecord {
    Objects.requireNonNull(host, "host");
    if (preference < 0 || preference > 0xFFFF) {
      throw new IllegalArgumentException("MX preference must be 0 to 65535, not " + preference);
    }
    if (host.endsWith(".")) {
      throw new IllegalArgumentException("MX host must be given without the root dot: " + host);
    }
  }

  /**
   * Tells whether this is a "null MX" (RFC 7505): the domain accepts no mail.
   *
   * @return {@code true} when the target is the root
   */
  public boolean isNullMx() {
    return host.isEmpty();
  }
}
