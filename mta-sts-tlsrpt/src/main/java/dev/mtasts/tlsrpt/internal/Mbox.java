package dev.mtasts.tlsrpt.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Splits an mbox file into messages (RFC 4155): a line that starts with {@code "From "} begins a
 * message; {@code ">From "} lines (any number of {@code '>'}) lose one {@code '>'} (the mboxrd
 * convention, which also reads mboxo files apart from lines that really began with
 * {@code ">From "}). Streaming and bounded: a message over the cap is skipped to the next
 * separator without being kept in memory.
 */
public final class Mbox {
  private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};
  /** How far a {@code ">...>From "} escape is looked for at a line start. */
  private static final int MAX_QUOTES = 1024;

  private final BufferedInputStream in;
  private final int maxMessageBytes;
  private boolean atStart = true;
  private boolean eof;

  /**
   * One message, or the fact that one was too large.
   *
   * @param content the message, or {@code null} if it exceeded the cap
   * @param size the bytes read for it, up to the cap plus one
   */
  public record Message(byte @Nullable [] content, long size) {}

  /**
   * Reads messages from a stream; the caller closes it.
   *
   * @param in the mbox content
   * @param maxMessageBytes the largest message kept
   */
  public Mbox(InputStream in, int maxMessageBytes) {
    this.in = new BufferedInputStream(in, 64 * 1024);
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Reads the next message.
   *
   * @return the message, or {@code null} at the end of the file
   * @throws IOException if reading fails
   */
  public @Nullable Message next() throws IOException {
    if (eof) {
      return null;
    }
    if (atStart) {
      atStart = false;
      // Anything before the first separator is not a message (an empty file has none).
      if (!startsWithFrom()) {
        skipLine(null);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long size = 0;
    boolean any = false;
    while (true) {
      in.mark(MAX_QUOTES + FROM.length + 1);
      int first = in.read();
      if (first < 0) {
        eof = true;
        break;
      }
      in.reset();
      if (first == 'F' && startsWithFrom()) {
        if (any) {
          break;
        }
        skipLine(null);
        any = true;
        continue;
      }
      if (first == '>') {
        dropOneQuoteIfEscapedFrom();
      }
      any = true;
      size += skipLine(size <= maxMessageBytes ? out : null);
      if (size > maxMessageBytes) {
        out.reset();
      }
    }
    if (!any) {
      return null;
    }
    return new Message(size > maxMessageBytes ? null : out.toByteArray(), Math.min(size, maxMessageBytes + 1L));
  }

  /** Whether the stream is at "From "; the position is unchanged. */
  private boolean startsWithFrom() throws IOException {
    in.mark(FROM.length + 1);
    byte[] b = in.readNBytes(FROM.length);
    in.reset();
    return java.util.Arrays.equals(b, FROM);
  }

  /** At a line that starts with '>': if it is {@code >+From }, consumes one '>'. */
  private void dropOneQuoteIfEscapedFrom() throws IOException {
    in.mark(MAX_QUOTES + FROM.length + 1);
    int quotes = 0;
    int c;
    while ((c = in.read()) == '>' && quotes < MAX_QUOTES) {
      quotes++;
    }
    boolean escaped = false;
    if (c == 'F') {
      byte[] rest = in.readNBytes(FROM.length - 1);
      escaped = java.util.Arrays.equals(rest, java.util.Arrays.copyOfRange(FROM, 1, FROM.length));
    }
    in.reset();
    if (escaped) {
      in.skipNBytes(1);
    }
  }

  /** Copies the rest of the line, its LF included, to out (if not null); returns the bytes. */
  private long skipLine(@Nullable ByteArrayOutputStream out) throws IOException {
    long n = 0;
    int c;
    while ((c = in.read()) >= 0) {
      n++;
      if (out != null && out.size() <= maxMessageBytes) {
        out.write(c);
      }
      if (c == '\n') {
        return n;
      }
    }
    eof = true;
    return n;
  }
}
