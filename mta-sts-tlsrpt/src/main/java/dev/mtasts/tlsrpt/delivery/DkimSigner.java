package dev.mtasts.tlsrpt.delivery;

import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Signs a report mail with DKIM; the caller implements it with its own DKIM library and key, since
 * this library does not implement DKIM.
 *
 * <p>RFC 8460 §3 requires a valid DKIM signature by the reporting domain, without the {@code l=}
 * tag (RPT-22); the signature should cover the {@code TLS-Report-Domain} and
 * {@code TLS-Report-Submitter} header fields (RPT-20), and the key record should carry
 * {@code s=tlsrpt}. {@link MailtoReportDelivery} rejects signatures with {@code l=}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 */
@FunctionalInterface
public interface DkimSigner {

  /**
   * Computes the DKIM signature of a message.
   *
   * @param message the complete message as it will be sent, header and body, with CRLF line ends
   *     and without a signature
   * @param headersToSign the names of the header fields the signature should cover ({@code h=}), in
   *     order: those of the message, including {@code TLS-Report-Domain} and
   *     {@code TLS-Report-Submitter}
   * @return the complete header field, starting with {@code DKIM-Signature:}, possibly folded with
   *     CRLF followed by white space, without a final CRLF
   * @throws GeneralSecurityException if signing fails; the delivery is retried
   */
  String sign(byte[] message, List<String> headersToSign) throws GeneralSecurityException;
}
