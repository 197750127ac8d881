package dev.mtasts.owner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Zone-file (RFC 1035 §5.1, BIND) presentation of TXT records.
 */
public final class ZoneText {
  /** A character-string holds at most 255 octets (RFC 1035 §3.3). */
  public static final int MAX_STRING = 255;

  private ZoneText() {}

  /**
   * Renders a TXT value as quoted character-strings: split into pieces of at most 255 octets,
   * with {@code "} and {@code \} escaped and non-printable octets written as {@code \DDD}.
   * Receivers join the pieces with no added spaces (TXT-9), so the value is unchanged.
   *
   * @param value the TXT value
   * @return the RDATA text, such as {@code "v=STSv1; id=1"}
   */
  public static String txtRdata(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    List<String> pieces = new ArrayList<>();
    for (int start = 0; start < bytes.length || pieces.isEmpty(); start += MAX_STRING) {
      int end = Math.min(bytes.length, start + MAX_STRING);
      StringBuilder sb = new StringBuilder("\"");
      for (int i = start; i < end; i++) {
        int b = bytes[i] & 0xff;
        if (b == '"' || b == '\\') {
          sb.append('\\').append((char) b);
        } else if (b < 0x20 || b > 0x7e) {
          sb.append(String.format("\\%03d", b));
        } else {
          sb.append((char) b);
        }
      }
      pieces.add(sb.append('"').toString());
      if (bytes.length == 0) {
        break;
      }
    }
    return String.join(" ", pieces);
  }

  /**
   * Renders one TXT resource record line with an absolute owner name.
   *
   * @param owner the owner name, without the trailing dot
   * @param ttlSeconds the TTL
   * @param value the TXT value
   * @return a line such as {@code _mta-sts.example.com. 3600 IN TXT "v=STSv1; id=1"}
   */
  public static String txtLine(String owner, long ttlSeconds, String value) {
    return owner + ". " + ttlSeconds + " IN TXT " + txtRdata(value);
  }
}
