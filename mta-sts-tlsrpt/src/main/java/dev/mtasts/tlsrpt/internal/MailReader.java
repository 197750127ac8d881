package dev.mtasts.tlsrpt.internal;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a received report mail with Jakarta Mail (Eclipse Angus), RFC 2045 and RFC 5322: the
 * top-level header fields and the first leaf body part the handler accepts. Bounded: the caller
 * caps the message bytes; this caps the body parts (counted on the raw bytes before any parsing,
 * so that a mail of tiny parts cannot make the parser build millions of objects, and again while
 * walking) and the nesting of multiparts and attached messages; the handler reads each decoded
 * part through its own cap (the report parser's input limit).
 */
public final class MailReader {
  /** The deepest nesting of multiparts and attached messages. */
  static final int MAX_NESTING = 8;

  /** The media type RFC 8460 §5.3 names for a compressed report part. */
  public static final String TLSRPT_GZIP = "application/tlsrpt+gzip";
  /** The media type of an uncompressed report part. */
  public static final String TLSRPT_JSON = "application/tlsrpt+json";

  private static final Session SESSION = Session.getInstance(new Properties());

  private MailReader() {}

  /**
   * One leaf body part offered to the handler.
   *
   * @param mediaType its media type, lower case
   * @param fileName its file name from Content-Disposition or Content-Type, if any
   * @param content its content, transfer-decoded, read lazily; the handler caps what it reads
   */
  public record PartContent(String mediaType, @Nullable String fileName, InputStream content) {}

  /**
   * What was read.
   *
   * @param headers the top-level header fields, name in lower case, first occurrence, unfolded
   *     and with encoded words decoded
   * @param contentType the top-level media type, lower case
   * @param reportType the {@code report-type} parameter of the top-level Content-Type, if any
   * @param parts how many body parts the message has
   * @param found what the handler returned for the first part it accepted, if any
   * @param <T> the handler's result type
   */
  public record Mail<T>(Map<String, String> headers, String contentType, @Nullable String reportType, int parts,
      @Nullable T found) {}

  /** A message that breaks a cap or cannot be parsed at all. */
  public static final class UnreadableMailException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableMailException(String message) {
      super(message);
    }
  }

  /** How a handler reads a part: returns its result, or null to go on with the next part. */
  @FunctionalInterface
  public interface PartHandler<T> extends Function<PartContent, @Nullable T> {}

  /**
   * Reads a message, offering each leaf body part to {@code handler} until it returns non-null.
   *
   * @param message the raw message
   * @param maxParts the most body parts accepted
   * @param handler reads a part; returns null to go on with the next part
   * @param <T> the handler's result type
   * @return the headers and the handler's result
   * @throws UnreadableMailException if the message breaks a cap or is not MIME at all
   */
  public static <T> Mail<T> read(byte[] message, int maxParts, PartHandler<T> handler)
      throws UnreadableMailException {
    // Every body part starts with a delimiter line "--boundary"; more such lines than the cap
    // allows (with room for closing delimiters and text lines that happen to start with "--")
    // refuses the mail before the parser builds anything.
    if (dashLines(message) > 2L * maxParts + 2L * MAX_NESTING) {
      throw new UnreadableMailException("the message has more than " + maxParts + " body parts");
    }
    try {
      MimeMessage m = new MimeMessage(SESSION, new SharedByteArrayInputStream(message));
      Map<String, String> headers = new LinkedHashMap<>();
      for (Enumeration<Header> e = m.getAllHeaders(); e.hasMoreElements(); ) {
        Header h = e.nextElement();
        headers.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), decode(h.getValue()));
      }
      ContentType ct = contentType(m);
      Walk<T> walk = new Walk<>(maxParts, handler);
      walk.part(m, 0);
      String type = ct == null ? "text/plain" : ct.getBaseType().toLowerCase(Locale.ROOT);
      String reportType = ct == null ? null : ct.getParameter("report-type");
      return new Mail<>(headers, type, reportType, walk.parts, walk.found);
    } catch (MessagingException e) {
      throw new UnreadableMailException("the message is not valid MIME: " + e.getMessage());
    } catch (IOException e) {
      throw new UnreadableMailException("the message cannot be read: " + e.getMessage());
    }
  }

  /** The walk over a message's parts, depth first, in order. */
  private static final class Walk<T> {
    final int maxParts;
    final PartHandler<T> handler;
    int parts;
    @Nullable T found;

    Walk(int maxParts, PartHandler<T> handler) {
      this.maxParts = maxParts;
      this.handler = handler;
    }

    void part(MimePart p, int depth) throws MessagingException, IOException, UnreadableMailException {
      if (found != null) {
        return;
      }
      if (depth > MAX_NESTING) {
        throw new UnreadableMailException("the message nests more than " + MAX_NESTING + " levels deep");
      }
      ContentType ct = contentType(p);
      String type = ct == null ? "text/plain" : ct.getBaseType().toLowerCase(Locale.ROOT);
      if (type.startsWith("multipart/")) {
        MimeMultipart mp = new MimeMultipart(new MimePartDataSource(p));
        int n = mp.getCount();
        parts += n;
        if (parts > maxParts) {
          throw new UnreadableMailException("the message has more than " + maxParts + " body parts");
        }
        for (int i = 0; i < n && found == null; i++) {
          part((MimePart) mp.getBodyPart(i), depth + 1);
        }
      } else if (type.equals("message/rfc822")) {
        try (InputStream in = p.getInputStream()) {
          part(new MimeMessage(SESSION, in), depth + 1);
        }
      } else {
        String name;
        try {
          name = p.getFileName();
        } catch (ParseException e) {
          name = null;
        }
        found = handler.apply(new PartContent(type, name, p.getInputStream()));
      }
    }
  }

  private static @Nullable ContentType contentType(Part p) throws MessagingException {
    String value = p.getContentType();
    if (value == null) {
      return null;
    }
    try {
      return new ContentType(value);
    } catch (ParseException e) {
      // A malformed Content-Type is read as plain text (RFC 2045 §5.2).
      return null;
    }
  }

  private static String decode(String value) {
    String unfolded = MimeUtility.unfold(value).strip();
    try {
      return MimeUtility.decodeText(unfolded);
    } catch (UnsupportedEncodingException | RuntimeException e) {
      // An undecodable encoded word stays as written; the checks then see it as it is.
      return unfolded;
    }
  }

  /** Counts the lines that start with "--". */
  private static long dashLines(byte[] m) {
    long n = 0;
    boolean lineStart = true;
    for (int i = 0; i < m.length; i++) {
      byte b = m[i];
      if (lineStart && b == '-' && i + 1 < m.length && m[i + 1] == '-') {
        n++;
      }
      lineStart = b == '\n';
    }
    return n;
  }
}
