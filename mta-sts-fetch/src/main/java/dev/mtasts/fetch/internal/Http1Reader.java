package dev.mtasts.fetch.internal;

import dev.mtasts.core.SafeText;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A strict, bounded reader of one HTTP/1.1 response (RFC 9112) from a blocking stream: the
 * status line, the header section and the body, framed by {@code Content-Length}, by the
 * {@code chunked} transfer coding or by the end of the connection.
 *
 * <p>Every read is bounded, because the policy host may be hostile (SEC-8):
 * <ul>
 *   <li>the status line and header section together at most {@value #MAX_HEAD_BYTES} bytes and
 *       {@value #MAX_HEADER_FIELDS} fields (interim 1xx responses, at most
 *       {@value #MAX_INTERIM_RESPONSES}, count against the same budget);
 *   <li>{@code Content-Length}: digits only, at most {@value #MAX_LENGTH_DIGITS} of them, and
 *       every value the same; a body longer than the cap is refused before it is read;
 *   <li>a chunk-size line at most {@value #MAX_CHUNK_LINE_BYTES} bytes, a chunk size at most
 *       {@value #MAX_CHUNK_SIZE_DIGITS} hex digits, and the body cap enforced as chunks arrive;
 *       trailers bounded like the header section (and discarded);
 *   <li>at most {@value #BUFFER_BYTES} bytes read from the stream past what the current decision
 *       needs.
 * </ul>
 * Anything else that RFC 9112 says a recipient must reject (obsolete line folding, whitespace
 * before a colon, a bare CR, a NUL, both {@code Transfer-Encoding} and {@code Content-Length},
 * a transfer coding other than {@code chunked}) is an {@link HttpProtocolException}, whose
 * message shows the offending text through {@link SafeText}.
 *
 * <p>Not thread-safe: one reader per connection, used by one thread; only
 * {@link #bodyBytes()} may be read from another thread.
 */
public final class Http1Reader {
  /** The most bytes of status line and header section (and, separately, of trailers): 8 KiB. */
  public static final int MAX_HEAD_BYTES = 8192;
  /** The most header fields (and, separately, trailer fields): 100. */
  public static final int MAX_HEADER_FIELDS = 100;
  /** The most bytes of one chunk-size line, extensions and CRLF included: 1 KiB. */
  public static final int MAX_CHUNK_LINE_BYTES = 1024;
  /** The most hex digits of a chunk size: 15, so the size always fits a {@code long}. */
  public static final int MAX_CHUNK_SIZE_DIGITS = 15;
  /** The most digits of a {@code Content-Length}: 18, so the value always fits a {@code long}. */
  public static final int MAX_LENGTH_DIGITS = 18;
  /** The most interim (1xx) responses skipped before the final one: 5. */
  public static final int MAX_INTERIM_RESPONSES = 5;
  /** The read buffer: 16 KiB, about one TLS record. */
  public static final int BUFFER_BYTES = 16384;
  /** How much network text a message shows. */
  private static final int SHOWN = 200;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER_BYTES];
  private int pos;
  private int lim;
  private int lastLineBytes;
  private volatile long bodyBytes;

  /**
   * Reads from {@code in}.
   *
   * @param in the decrypted stream of the connection
   */
  public Http1Reader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * How the body of a response is delimited (RFC 9112 §6.3).
   *
   * @param chunked whether the {@code chunked} transfer coding is used
   * @param length the declared {@code Content-Length}, or {@code -1} when there is none
   */
  public record Framing(boolean chunked, long length) {}

  /**
   * Returns how many body bytes have been read so far; safe from any thread.
   *
   * @return the count
   */
  public long bodyBytes() {
    return bodyBytes;
  }

  /**
   * Returns how many bytes were read from the stream and not yet consumed.
   *
   * @return the count
   */
  public int buffered() {
    return lim - pos;
  }

  /**
   * Reads the status line and header section of the final response, skipping interim (1xx)
   * responses other than 101.
   *
   * @return the head
   * @throws HttpProtocolException if the head is malformed or over a cap
   * @throws IOException if the connection fails or ends first
   */
  public ResponseHead readHead() throws IOException {
    int budget = MAX_HEAD_BYTES;
    for (int interim = 0; ; interim++) {
      String statusLine = line(budget, MAX_HEAD_BYTES, "status line and header section");
      budget -= lastLineBytes;
      int status = status(statusLine);
      List<ResponseHead.Field> fields = new ArrayList<>();
      budget = fields(budget, "header section", fields);
      if (status >= 200 || status == 101) {
        return new ResponseHead(status, statusLine, fields);
      }
      if (interim == MAX_INTERIM_RESPONSES) {
        throw new HttpProtocolException("more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses");
      }
    }
  }

  /**
   * Decides how the body is delimited, strictly: {@code Transfer-Encoding} must be exactly
   * {@code chunked} and never come with a {@code Content-Length} (a sign of request smuggling,
   * RFC 9112 §6.3); every {@code Content-Length} value must be the same string of digits.
   *
   * @param head the response head
   * @return the framing
   * @throws HttpProtocolException if the framing headers are malformed
   */
  public static Framing framing(ResponseHead head) throws HttpProtocolException {
    List<String> te = head.all("Transfer-Encoding");
    List<String> cl = head.all("Content-Length");
    if (!te.isEmpty()) {
      if (!cl.isEmpty()) {
        throw new HttpProtocolException("the response has both Transfer-Encoding and Content-Length"
            + " (RFC 9112 §6.3)");
      }
      String codings = String.join(",", te).strip();
      if (!codings.toLowerCase(Locale.ROOT).equals("chunked")) {
        throw new HttpProtocolException("unsupported Transfer-Encoding '" + SafeText.escape(codings, SHOWN)
            + "'; only chunked is accepted");
      }
      return new Framing(true, -1);
    }
    long length = -1;
    for (String field : cl) {
      for (String v : field.split(",", -1)) {
        long n = contentLength(v.strip(), field);
        if (length != -1 && n != length) {
          throw new HttpProtocolException("the response declares different Content-Lengths: '"
              + SafeText.escape(String.join(", ", cl), SHOWN) + "'");
        }
        length = n;
      }
    }
    return new Framing(false, length);
  }

  private static long contentLength(String v, String field) throws HttpProtocolException {
    if (v.isEmpty() || v.length() > MAX_LENGTH_DIGITS) {
      throw new HttpProtocolException("malformed Content-Length '" + SafeText.escape(field, SHOWN)
          + "': 1 to " + MAX_LENGTH_DIGITS + " digits expected");
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new HttpProtocolException("malformed Content-Length '" + SafeText.escape(field, SHOWN)
            + "': digits only");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * Reads the body as {@code framing} delimits it, at most {@code cap} bytes.
   *
   * @param framing how the body is delimited
   * @param cap the most body bytes accepted
   * @return the body, or {@link Body.TooLarge} as soon as the declared length, a chunk size or
   *     the bytes received pass the cap
   * @throws HttpProtocolException if a chunk is malformed or over a cap
   * @throws IOException if the connection fails, or ends before a declared length or the last chunk
   */
  public Body readBody(Framing framing, int cap) throws IOException {
    if (framing.chunked()) {
      return chunked(cap);
    }
    if (framing.length() > cap) {
      return new Body.TooLarge(framing.length(), true);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(framing.length(), cap)));
    if (framing.length() >= 0) {
      copy(out, framing.length(), "body of declared length " + framing.length());
      return new Body.Bytes(out.toByteArray());
    }
    // Delimited by the end of the connection: stop one byte past the cap.
    while (out.size() <= cap) {
      if (pos == lim && fill() < 0) {
        return new Body.Bytes(out.toByteArray());
      }
      take(out, Math.min(lim - pos, cap + 1 - out.size()));
    }
    return new Body.TooLarge(out.size(), false);
  }

  private Body chunked(int cap) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(cap, BUFFER_BYTES));
    while (true) {
      String sizeLine = line(MAX_CHUNK_LINE_BYTES, MAX_CHUNK_LINE_BYTES, "chunk-size line");
      long size = chunkSize(sizeLine);
      if (size == 0) {
        fields(MAX_HEAD_BYTES, "trailer section", new ArrayList<>());
        return new Body.Bytes(out.toByteArray());
      }
      if (out.size() + size > cap) {
        return new Body.TooLarge(out.size() + size, false);
      }
      copy(out, size, "chunk of " + size + " bytes");
      String end = line(2, 2, "line end after a chunk");
      if (!end.isEmpty()) {
        throw new HttpProtocolException("chunk data is not followed by CRLF");
      }
    }
  }

  private static long chunkSize(String line) throws HttpProtocolException {
    long size = 0;
    int i = 0;
    for (; i < line.length(); i++) {
      int d = Character.digit(line.charAt(i), 16);
      if (d < 0 || line.charAt(i) > 'f') {
        break;
      }
      if (i == MAX_CHUNK_SIZE_DIGITS) {
        throw malformedChunkSize(line);
      }
      size = size * 16 + d;
    }
    int rest = i;
    while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
      rest++;
    }
    if (i == 0 || (rest < line.length() && line.charAt(rest) != ';')) {
      throw malformedChunkSize(line);
    }
    return size;
  }

  private static HttpProtocolException malformedChunkSize(String line) {
    return new HttpProtocolException("malformed chunk-size line '" + SafeText.escape(line, SHOWN) + "': 1 to "
        + MAX_CHUNK_SIZE_DIGITS + " hex digits expected");
  }

  /** Copies exactly {@code n} bytes of body. */
  private void copy(ByteArrayOutputStream out, long n, String what) throws IOException {
    long left = n;
    while (left > 0) {
      if (pos == lim && fill() < 0) {
        throw new EOFException("the connection closed after " + (n - left) + " bytes of the " + what);
      }
      int k = (int) Math.min(lim - pos, left);
      take(out, k);
      left -= k;
    }
  }

  private void take(ByteArrayOutputStream out, int k) {
    out.write(buf, pos, k);
    pos += k;
    bodyBytes += k;
  }

  /** Reads header (or trailer) fields up to the empty line; returns the budget left. */
  private int fields(int budget, String what, List<ResponseHead.Field> fields) throws IOException {
    int left = budget;
    while (true) {
      String l = line(left, MAX_HEAD_BYTES, what);
      left -= lastLineBytes;
      if (l.isEmpty()) {
        return left;
      }
      if (fields.size() == MAX_HEADER_FIELDS) {
        throw new HttpProtocolException("the " + what + " has more than " + MAX_HEADER_FIELDS + " fields");
      }
      fields.add(field(l));
    }
  }

  private static ResponseHead.Field field(String l) throws HttpProtocolException {
    int colon = l.indexOf(':');
    if (colon <= 0) {
      throw new HttpProtocolException("malformed header field '" + SafeText.escape(l, SHOWN) + "'"
          + (l.charAt(0) == ' ' || l.charAt(0) == '\t' ? ": obsolete line folding is not accepted" : ""));
    }
    String name = l.substring(0, colon);
    for (int i = 0; i < name.length(); i++) {
      if (!isTchar(name.charAt(i))) {
        throw new HttpProtocolException("malformed header field name '" + SafeText.escape(name, SHOWN) + "'");
      }
    }
    int start = colon + 1;
    int end = l.length();
    while (start < end && isOws(l.charAt(start))) {
      start++;
    }
    while (end > start && isOws(l.charAt(end - 1))) {
      end--;
    }
    String value = l.substring(start, end);
    if (value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
      // RFC 9110 §5.5: CR, LF and NUL are never valid in a field value.
      throw new HttpProtocolException("the value of header field '" + SafeText.escape(name, SHOWN)
          + "' holds CR or NUL: '" + SafeText.escape(value, SHOWN) + "'");
    }
    return new ResponseHead.Field(name, value);
  }

  private static int status(String line) throws HttpProtocolException {
    boolean ok = line.length() >= 12 && line.startsWith("HTTP/1.") && isDigit(line.charAt(7))
        && line.charAt(8) == ' ' && line.charAt(9) >= '1' && line.charAt(9) <= '5' && isDigit(line.charAt(10))
        && isDigit(line.charAt(11)) && (line.length() == 12 || line.charAt(12) == ' ');
    for (int i = 13; ok && i < line.length(); i++) {
      char c = line.charAt(i);
      ok = c == '\t' || (c >= 0x20 && c != 0x7f);
    }
    if (!ok) {
      throw new HttpProtocolException("malformed status line '" + SafeText.escape(line, SHOWN)
          + "': HTTP/1.x, a status code and a reason phrase without control characters expected");
    }
    return Integer.parseInt(line.substring(9, 12));
  }

  /**
   * Reads one line ending in LF, without it and a CR before it, of at most {@code max} bytes
   * with its ending (what is left of the {@code limit} a message names); records the bytes used
   * in {@link #lastLineBytes}. Bytes map to chars one to one (ISO-8859-1), so nothing is lost
   * before it is escaped.
   */
  private String line(int max, int limit, String what) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int count = 0;
    while (true) {
      if (pos == lim && fill() < 0) {
        throw new EOFException("the connection closed in the " + what
            + (sb.length() == 0 ? "" : " after '" + SafeText.escape(sb, SHOWN) + "'"));
      }
      while (pos < lim) {
        char c = (char) (buf[pos++] & 0xff);
        count++;
        if (c == '\n') {
          int n = sb.length();
          if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
          }
          lastLineBytes = count;
          return sb.toString();
        }
        if (count >= max) {
          throw new HttpProtocolException("the " + what + " is longer than " + limit + " bytes: '"
              + SafeText.escape(sb, SHOWN) + "'");
        }
        sb.append(c);
      }
    }
  }

  private int fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n > 0) {
      pos = 0;
      lim = n;
    }
    return n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** RFC 9110 §5.6.2 token characters. */
  private static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
