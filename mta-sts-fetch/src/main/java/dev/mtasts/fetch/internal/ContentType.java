package dev.mtasts.fetch.internal;

import dev.mtasts.core.SafeText;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a response's {@code Content-Type} that FET-9 cares about: whether the media type
 * is {@code text/plain}, and the {@code charset} parameter. Every other parameter is ignored.
 *
 * <p>The media type is compared ASCII case-insensitively (RFC 9110 §8.3.1); parameters are
 * {@code ;}-separated {@code name=value} pairs with optional whitespace, the value a token or a
 * quoted string.
 *
 * @param raw the field value as received, or {@code ""} when there is none
 * @param textPlain whether the media type is {@code text/plain}
 * @param charset the {@code charset} parameter's value, or {@code null} when absent
 * @param problem why the media type is not acceptable, or {@code ""} when it is; network text in
 *     it is escaped ({@link SafeText})
 */
public record ContentType(String raw, boolean textPlain, @Nullable String charset, String problem) {
  private static final String TEXT_PLAIN = "text/plain";
  /** How much of a field value a problem shows. */
  private static final int SHOWN = 200;

  /**
   * Reads the {@code Content-Type} fields of a response.
   *
   * @param values every {@code Content-Type} field value, in order
   * @return the parsed value
   */
  public static ContentType of(List<String> values) {
    if (values.isEmpty()) {
      return new ContentType("", false, null, "the response has no Content-Type");
    }
    String raw = values.get(0);
    if (values.size() > 1) {
      String all = String.join(", ", values);
      return new ContentType(all, false, null, "the response has " + values.size()
          + " Content-Type fields (" + SafeText.escape(all, SHOWN) + "); exactly one text/plain is expected");
    }
    int semi = raw.indexOf(';');
    String type = (semi < 0 ? raw : raw.substring(0, semi)).strip();
    if (!equalsAsciiIgnoreCase(type, TEXT_PLAIN)) {
      String shown = type.isEmpty() ? "an empty Content-Type" : "Content-Type '" + SafeText.escape(raw, SHOWN) + "'";
      return new ContentType(raw, false, null, "the response has " + shown
          + "; the policy must be served as text/plain");
    }
    String charset = semi < 0 ? null : charsetParameter(raw.substring(semi + 1));
    return new ContentType(raw, true, charset, "");
  }

  /**
   * Tells whether the charset is absent or one that RFC 8461 allows: UTF-8 or US-ASCII, by any
   * name Java knows them under.
   *
   * @return {@code false} for any other declared charset
   */
  public boolean charsetAcceptable() {
    String c = charset;
    if (c == null) {
      return true;
    }
    try {
      Charset cs = Charset.forName(c);
      return cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.US_ASCII);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return false;
    }
  }

  private static @Nullable String charsetParameter(String params) {
    for (String param : params.split(";", -1)) {
      int eq = param.indexOf('=');
      if (eq < 0) {
        continue;
      }
      if (equalsAsciiIgnoreCase(param.substring(0, eq).strip(), "charset")) {
        return unquote(param.substring(eq + 1).strip());
      }
    }
    return null;
  }

  private static String unquote(String value) {
    if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) {
        c = value.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static boolean equalsAsciiIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && lower(x) != lower(y)) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
