package dev.mtasts.tlsrpt.internal;

import dev.mtasts.core.internal.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A small writer of RFC 5322 / MIME messages: header fields folded at white space to 78
 * characters where possible, CRLF line ends, 7-bit output (non-ASCII text parts are base64).
 */
public final class Mime {
  private static final String CRLF = "\r\n";
  private static final int FOLD_AT = 78;

  private final StringBuilder header = new StringBuilder(1024);
  private final List<String> names = new ArrayList<>();

  /** Creates an empty message header. */
  public Mime() {
    // Header fields are added with field().
  }

  /**
   * Adds a header field, folding its value at spaces so that lines stay within 78 characters where
   * the value allows it.
   *
   * @param name the field name
   * @param value the unfolded value: ASCII, without CR or LF
   * @return this writer
   * @throws IllegalArgumentException if the value holds CR, LF or non-ASCII characters
   */
  public Mime field(String name, String value) {
    if (!Text.isAscii(value) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header field " + name + " must be one line of ASCII");
    }
    names.add(name);
    header.append(fold(name + ": " + value)).append(CRLF);
    return this;
  }

  /**
   * Returns the names of the header fields added so far, in order.
   *
   * @return the names
   */
  public List<String> fieldNames() {
    return List.copyOf(names);
  }

  /**
   * Returns the header followed by an empty line and the body.
   *
   * @param body the body, already in CRLF, 7-bit form
   * @return the message bytes
   */
  public byte[] toBytes(String body) {
    return (header + CRLF + body).getBytes(StandardCharsets.US_ASCII);
  }

  /** Folds one header line at spaces; a word longer than the limit stays on its own line. */
  static String fold(String line) {
    if (line.length() <= FOLD_AT) {
      return line;
    }
    StringBuilder out = new StringBuilder(line.length() + 16);
    int lineStart = 0;
    int lastSpace = -1;
    // Never fold right after "Name:", which would leave the name alone on its line.
    int firstValueChar = line.indexOf(": ") + 2;
    for (int i = firstValueChar; i < line.length(); i++) {
      if (line.charAt(i) == ' ' && i > lineStart) {
        if (i - lineStart > FOLD_AT && lastSpace > lineStart) {
          out.append(line, lineStart, lastSpace).append(CRLF);
          lineStart = lastSpace;
        }
        lastSpace = i;
      }
    }
    if (line.length() - lineStart > FOLD_AT && lastSpace > lineStart) {
      out.append(line, lineStart, lastSpace).append(CRLF);
      lineStart = lastSpace;
    }
    out.append(line, lineStart, line.length());
    return out.toString();
  }

  /**
   * Encodes bytes as base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
   *
   * @param data the bytes
   * @return the encoded text
   */
  public static String base64Lines(byte[] data) {
    String b64 = Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
    return b64.isEmpty() ? "" : b64 + CRLF;
  }

  /**
   * Turns text into CRLF lines.
   *
   * @param text text with LF, CR or CRLF line ends
   * @return the same text with CRLF line ends and a final CRLF
   */
  public static String crlf(String text) {
    String t = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", CRLF);
    return t.endsWith(CRLF) ? t : t + CRLF;
  }
}
