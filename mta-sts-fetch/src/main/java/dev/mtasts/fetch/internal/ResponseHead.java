package dev.mtasts.fetch.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status line and header fields of an HTTP/1.1 response (RFC 9112 §4, §5), as read by
 * {@link Http1Reader}: names and values are as received (ISO-8859-1 decoded, so every byte is
 * one char), only the surrounding whitespace of a value removed. Values may hold control
 * characters other than CR, LF and NUL: escape them before showing them to a person.
 *
 * @param status the three-digit status code
 * @param statusLine the whole status line, for messages (escape it before use)
 * @param fields the header fields in order, each as {@code {name, value}}
 */
public record ResponseHead(int status, String statusLine, List<Field> fields) {

  /**
   * One header field.
   *
   * @param name the field name (a token)
   * @param value the field value without surrounding whitespace
   */
  public record Field(String name, String value) {
    /**
     * Checks the components.
     *
     * @param name the {@code name} component
     * @param value the {@code value} component
     */
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Copies the fields.
   *
   * @param status the {@code status} component
   * @param statusLine the {@code statusLine} component
   * @param fields the {@code fields} component
   */
  public ResponseHead {
    Objects.requireNonNull(statusLine, "statusLine");
    fields = List.copyOf(fields);
  }

  /**
   * Returns every value of a field, in order; names compare ASCII case-insensitively.
   *
   * @param name the field name
   * @return the values, possibly empty
   */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>(1);
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        values.add(f.value());
      }
    }
    return values;
  }

  /**
   * Returns the first value of a field.
   *
   * @param name the field name
   * @return the value, if the field is present
   */
  public Optional<String> first(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }
}
