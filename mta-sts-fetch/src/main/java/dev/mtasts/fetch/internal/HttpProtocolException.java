package dev.mtasts.fetch.internal;

import java.io.IOException;

/**
 * The policy host broke HTTP/1.1 (RFC 9112): a malformed or oversized status line, header
 * section, {@code Content-Length} or chunk. The message is safe to log: every piece of network
 * text in it went through {@link dev.mtasts.core.SafeText#escape(CharSequence, int)}.
 */
public final class HttpProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, with network text already escaped
   */
  public HttpProtocolException(String message) {
    super(message);
  }
}
