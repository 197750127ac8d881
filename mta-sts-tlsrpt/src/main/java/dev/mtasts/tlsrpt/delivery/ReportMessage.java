package dev.mtasts.tlsrpt.delivery;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A signed report mail and its SMTP envelope (RFC 8460 §5.3).
 *
 * @param envelopeFrom the {@code MAIL FROM} address
 * @param recipients the {@code RCPT TO} addresses, from the {@code mailto:} URI
 * @param messageId the {@code Message-ID}, with its angle brackets
 * @param content the message: header and body, CRLF line ends, 7-bit ASCII, starting with the
 *     {@code DKIM-Signature} header field
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 */
public record ReportMessage(String envelopeFrom, List<String> recipients, String messageId, byte[] content) {

  /**
   * Copies the recipients and the content.
   *
   * @param envelopeFrom the {@code envelopeFrom} component
   * @param recipients the {@code recipients} component
   * @param messageId the {@code messageId} component
   * @param content the {@code content} component
   * @throws IllegalArgumentException if there is no recipient
   */
  public ReportMessage {
    Objects.requireNonNull(envelopeFrom, "envelopeFrom");
    Objects.requireNonNull(messageId, "messageId");
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("a report message needs at least one recipient");
    }
    content = content.clone();
  }

  /**
   * Returns a copy of the message bytes.
   *
   * @return the message
   */
  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReportMessage m && envelopeFrom.equals(m.envelopeFrom) && recipients.equals(m.recipients)
        && messageId.equals(m.messageId) && Arrays.equals(content, m.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(envelopeFrom, recipients, messageId, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return "ReportMessage[from=" + envelopeFrom + ", to=" + recipients + ", messageId=" + messageId
        + ", bytes=" + content.length + "]";
  }
}
