package dev.mtasts.postfix;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One answer of the socketmap protocol (socketmap_table(5)): a status word and, for
 * {@link Status#OK}, the table value; for the error statuses, a short reason.
 *
 * <p>The text never holds a control character, so that it cannot break Postfix's table syntax or
 * its logs (PFX-10): {@link #of} refuses it.
 *
 * @param status the status word
 * @param text the value for {@code OK}, the reason otherwise (may be empty)
 * @see <a href="https://www.postfix.org/socketmap_table.5.html">socketmap_table(5)</a>
 */
public record SocketmapReply(Status status, String text) {

  /** The socketmap reply statuses (socketmap_table(5), "PROTOCOL"). */
  public enum Status {
    /** The key was found; the text is the value. */
    OK,
    /** The key was not found; Postfix applies its default TLS level. */
    NOTFOUND,
    /** Temporary failure: Postfix defers the delivery and tries again later. */
    TEMP,
    /** The lookup timed out: Postfix treats it as a temporary failure. */
    TIMEOUT,
    /** Permanent failure of the request (a malformed request, an unknown table name). */
    PERM
  }

  /** The empty {@code NOTFOUND } answer. */
  public static final SocketmapReply NOT_FOUND = new SocketmapReply(Status.NOTFOUND, "");

  /**
   * Validates the components.
   *
   * @param status the {@code status} component
   * @param text the {@code text} component
   * @throws IllegalArgumentException if {@code text} holds a control character, or if an
   *     {@code OK} reply has an empty value
   */
  public SocketmapReply {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(text, "text");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("a socketmap reply holds no control character");
      }
    }
    if (status == Status.OK && text.isEmpty()) {
      throw new IllegalArgumentException("an OK reply needs a value");
    }
  }

  /**
   * Creates a reply.
   *
   * @param status the status
   * @param text the value or reason
   * @return the reply
   */
  public static SocketmapReply of(Status status, String text) {
    return new SocketmapReply(status, text);
  }

  /**
   * Returns the reply as it goes inside the netstring: the status word, one space, the text.
   *
   * @return for example {@code "OK secure match=mx.example.com servername=hostname"} or
   *     {@code "NOTFOUND "}
   */
  public String payload() {
    return status.name() + " " + text;
  }

  /**
   * Returns the reply as a netstring ({@code length:payload,}), UTF-8 encoded.
   *
   * @return the bytes to write to the client
   */
  public byte[] toNetstring() {
    byte[] p = payload().getBytes(StandardCharsets.UTF_8);
    byte[] head = (p.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + p.length + 1];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(p, 0, out, head.length, p.length);
    out[out.length - 1] = ',';
    return out;
  }
}
