package dev.mtasts.postfix.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads netstrings ({@code length ":" bytes ","}, D. J. Bernstein's format, which
 * socketmap_table(5) uses for every request and reply), bounded in bytes before anything is
 * allocated (SEC-47).
 */
public final class Netstrings {
  /** The most digits a length may have; a length of more digits is refused before it is parsed. */
  static final int MAX_LENGTH_DIGITS = 9;

  private Netstrings() {}

  /** A request that breaks the netstring format or exceeds the size cap. */
  public static final class BadNetstringException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean oversized;

    BadNetstringException(String message, boolean oversized) {
      super(message);
      this.oversized = oversized;
    }

    /**
     * Tells whether the request was refused for its size (rather than its form).
     *
     * @return {@code true} if the announced length is over the cap
     */
    public boolean oversized() {
      return oversized;
    }
  }

  /**
   * Reads one netstring.
   *
   * @param in the stream, buffered
   * @param maxBytes the largest payload accepted
   * @param started called once the first byte of the netstring has arrived
   * @return the payload, or {@code null} at a clean end of stream before the first byte
   * @throws BadNetstringException if the bytes are not a netstring or the length is over the cap;
   *     nothing more is read after the fault
   * @throws IOException if reading fails, or the stream ends inside the netstring
   */
  public static byte @Nullable [] read(InputStream in, int maxBytes, Runnable started) throws IOException {
    int c = in.read();
    if (c < 0) {
      return null;
    }
    started.run();
    long length = 0;
    int digits = 0;
    while (c != ':') {
      if (c < '0' || c > '9') {
        throw c < 0 ? new EOFException("the connection ended inside a request")
            : new BadNetstringException("malformed netstring length", false);
      }
      if (++digits > MAX_LENGTH_DIGITS) {
        throw new BadNetstringException("request too large", true);
      }
      length = length * 10 + (c - '0');
      c = in.read();
    }
    if (digits == 0) {
      throw new BadNetstringException("malformed netstring length", false);
    }
    if (length > maxBytes) {
      // Refused on the announced length: the payload is never read, let alone stored.
      throw new BadNetstringException("request too large", true);
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("the connection ended inside a request");
    }
    int comma = in.read();
    if (comma != ',') {
      throw comma < 0 ? new EOFException("the connection ended inside a request")
          : new BadNetstringException("malformed netstring: no comma after the payload", false);
    }
    return payload;
  }
}
