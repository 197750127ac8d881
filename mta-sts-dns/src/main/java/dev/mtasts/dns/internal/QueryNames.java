package dev.mtasts.dns.internal;

import dev.mtasts.core.internal.DomainNames;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Turns the names callers pass into absolute dnsjava names, and dnsjava names back into text.
 */
public final class QueryNames {
  /** Longest name in presentation form without the root dot (RFC 1035 §2.3.4). */
  static final int MAX_NAME_LENGTH = 253;
  /** Longest label (RFC 1035 §2.3.4). */
  static final int MAX_LABEL_LENGTH = 63;

  private QueryNames() {}

  /**
   * Converts a name to an absolute dnsjava name: one trailing root dot is accepted, U-labels become
   * A-labels with core's one conversion (which refuses deviation characters such as {@code ß}
   * rather than map the name to another domain, and checks every {@code xn--} label), letters are
   * lower-cased, and no search list is ever applied.
   *
   * <p>Labels may hold letters, digits, {@code '-'} and {@code '_'} (for {@code _mta-sts} and
   * {@code _smtp._tls}); anything else, including zone-file escapes, is refused.
   *
   * @param name the name as the caller gave it
   * @return the absolute name
   * @throws IllegalArgumentException if the name is empty, too long, has an empty or over-long
   *     label, a forbidden character, or cannot be converted to A-labels
   */
  public static Name toAbsolute(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    // The project's one U-label conversion: never maps a name to a different domain (SEC-31).
    n = DomainNames.toALabels(n, true);
    String problem = check(n);
    if (problem != null) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DNS name: " + problem);
    }
    try {
      return Name.fromString(n + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DNS name", e);
    }
  }

  /**
   * Renders a name as lower-case text without the root dot; the root itself becomes {@code ""}.
   * Bytes that are not printable are shown as dnsjava's {@code \DDD} escapes, so they can never
   * pass for a host name.
   *
   * @param name a name from an answer
   * @return the text form
   */
  public static String toText(Name name) {
    if (name.equals(Name.root)) {
      return "";
    }
    return name.toString(true).toLowerCase(Locale.ROOT);
  }

  private static @Nullable String check(String n) {
    if (n.isEmpty()) {
      return "the name is empty";
    }
    if (n.length() > MAX_NAME_LENGTH) {
      return "the name is " + n.length() + " characters long; the limit is " + MAX_NAME_LENGTH;
    }
    int labelStart = 0;
    for (int i = 0; i <= n.length(); i++) {
      if (i == n.length() || n.charAt(i) == '.') {
        int labelLength = i - labelStart;
        if (labelLength == 0) {
          return "it has an empty label";
        }
        if (labelLength > MAX_LABEL_LENGTH) {
          return "a label is " + labelLength + " characters long; the limit is " + MAX_LABEL_LENGTH;
        }
        labelStart = i + 1;
      } else if (!isNameChar(n.charAt(i))) {
        return "character U+" + String.format(Locale.ROOT, "%04X", (int) n.charAt(i))
            + " at position " + (i + 1) + " is not a letter, digit, '-', '_' or '.'";
      }
    }
    return null;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

}
