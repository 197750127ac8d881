package dev.mtasts.tlsrpt;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * Delivers a report to one {@code rua} URI of a policy domain's {@code _smtp._tls} record (RFC 8460
 * §3, §5).
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Delivery problems never surface as exceptions: a refused connection, a timeout, an error
 *       status or a mail system that refuses the message completes the stage normally with
 *       {@link DeliveryOutcome.Failed}, marked retryable when a later attempt may succeed. The stage
 *       completes exceptionally only for programming errors.
 *   <li>{@link DeliveryOutcome.Delivered} means the endpoint accepted the report (RPT-5, RPT-26).
 *   <li>Work runs on the executor the implementation was configured with; implementations start
 *       no threads of their own beyond what they document.
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 */
public interface ReportDelivery {

  /**
   * Tells whether this implementation delivers to a URI, by its scheme.
   *
   * @param rua a URI from a {@code rua} field
   * @return {@code true} if {@link #deliver(EncodedReport, URI)} handles it
   */
  boolean supports(URI rua);

  /**
   * Delivers a report to one URI.
   *
   * @param report the compressed report
   * @param rua the URI, one {@link #supports(URI)} accepts
   * @return the outcome; never completes exceptionally for delivery problems
   * @throws IllegalArgumentException if the URI is not supported
   */
  CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua);
}
