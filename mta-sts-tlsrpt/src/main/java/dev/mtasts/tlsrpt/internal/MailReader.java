package dev.mtasts.tlsrpt.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.MimeUtil;
import org.jspecify.annotations.Nullable;

/**
 * Reads a received report mail with mime4j's streaming parser (RFC 2045, RFC 5322): the top-level
 * header fields and the first body part that holds a readable report. Bounded: the caller caps the
 * message bytes; this caps the body parts, the header fields and the nesting, and the part
 * handler reads each decoded part through its own cap (the report parser's input limit).
 */
public final class MailReader {
  /** The most header fields read per entity: real report mails have about 20. */
  static final int MAX_HEADER_FIELDS = 1000;
  /** The longest header field accepted, folded lines included: 64 KiB. */
  static final int MAX_HEADER_LENGTH = 64 * 1024;
  /** The deepest nesting of multiparts and attached messages. */
  static final int MAX_NESTING = 8;

  /** The media types RFC 8460 §5.3 names for the report part. */
  public static final String TLSRPT_GZIP = "application/tlsrpt+gzip";
  /** The media type of an uncompressed report part. */
  public static final String TLSRPT_JSON = "application/tlsrpt+json";

  private MailReader() {}

  /**
   * One body part offered to the handler.
   *
   * @param mediaType its media type, lower case
   * @param fileName its file name from Content-Disposition or Content-Type, if any
   * @param content its content, transfer-decoded, read lazily; the handler caps what it reads
   */
  public record Part(String mediaType, @Nullable String fileName, InputStream content) {}

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
  public static <T> Mail<T> read(byte[] message, int maxParts, Function<Part, @Nullable T> handler)
      throws UnreadableMailException {
    MimeConfig config = MimeConfig.custom()
        .setStrictParsing(false)
        // Base64 written as one long line is a real sender quirk; the message cap bounds lines.
        .setMaxLineLen(-1)
        .setMaxHeaderCount(MAX_HEADER_FIELDS)
        .setMaxHeaderLen(MAX_HEADER_LENGTH)
        .setMaxContentLen(-1)
        .setMaxNestingDepth(MAX_NESTING)
        .build();
    MimeTokenStream ts = new MimeTokenStream(config, DecodeMonitor.SILENT, null);
    ts.parse(new ByteArrayInputStream(message));
    Map<String, String> top = new LinkedHashMap<>();
    Map<String, String> current = new LinkedHashMap<>();
    int headerBlocks = 0;
    int parts = 0;
    T found = null;
    try {
      for (EntityState s = ts.getState(); s != EntityState.T_END_OF_STREAM; s = ts.next()) {
        switch (s) {
          case T_START_HEADER -> {
            headerBlocks++;
            current = headerBlocks == 1 ? top : new LinkedHashMap<>();
          }
          case T_FIELD -> addField(current, ts.getField());
          case T_START_BODYPART -> {
            if (++parts > maxParts) {
              throw new UnreadableMailException("the message has more than " + maxParts + " body parts");
            }
          }
          case T_BODY -> {
            if (found == null) {
              String type = ts.getBodyDescriptor().getMimeType().toLowerCase(Locale.ROOT);
              found = handler.apply(new Part(type, fileName(current), ts.getDecodedInputStream()));
            }
          }
          default -> {
            // Preamble, epilogue and the ends of entities carry nothing the inbox needs.
          }
        }
      }
    } catch (MimeException e) {
      throw new UnreadableMailException("the message is not valid MIME: " + e.getMessage());
    } catch (IOException e) {
      throw new UnreadableMailException("the message cannot be read: " + e.getMessage());
    }
    RawBody ct = contentType(top.get("content-type"));
    String type = ct == null ? "text/plain" : ct.getValue().toLowerCase(Locale.ROOT);
    String reportType = ct == null ? null : param(ct, "report-type");
    return new Mail<>(top, type, reportType, parts, found);
  }

  private static void addField(Map<String, String> headers, Field f) {
    String name = f.getNameLowerCase();
    if (headers.containsKey(name)) {
      return;
    }
    String body = MimeUtil.unfold(f.getBody()).strip();
    try {
      body = DecoderUtil.decodeEncodedWords(body, DecodeMonitor.SILENT);
    } catch (IllegalArgumentException e) {
      // An undecodable encoded word stays as written; the checks then see it as it is.
    }
    headers.put(name, body);
  }

  private static @Nullable String fileName(Map<String, String> headers) {
    RawBody disposition = contentType(headers.get("content-disposition"));
    String name = disposition == null ? null : param(disposition, "filename");
    if (name == null) {
      RawBody ct = contentType(headers.get("content-type"));
      name = ct == null ? null : param(ct, "name");
    }
    return name;
  }

  private static @Nullable RawBody contentType(@Nullable String value) {
    return value == null ? null : RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", value));
  }

  private static @Nullable String param(RawBody body, String name) {
    for (NameValuePair p : body.getParams()) {
      if (p.getName().equalsIgnoreCase(name)) {
        return p.getValue();
      }
    }
    return null;
  }
}
