package dev.mtasts.tlsrpt;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of delivering a report to one {@code rua} URI.
 *
 * @see ReportDelivery
 */
public sealed interface DeliveryOutcome permits DeliveryOutcome.Delivered, DeliveryOutcome.Failed {

  /**
   * Returns the URI the report was delivered to, or was not.
   *
   * @return the {@code rua} URI
   */
  URI rua();

  /**
   * The endpoint accepted the report (RPT-5, RPT-26).
   *
   * @param rua the URI
   * @param detail what the endpoint answered, such as {@code "HTTP 201"}
   */
  record Delivered(URI rua, String detail) implements DeliveryOutcome {
    /**
     * Validates the components.
     *
     * @param rua the {@code rua} component
     * @param detail the {@code detail} component
     */
    public Delivered {
      Objects.requireNonNull(rua, "rua");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The report was not delivered.
   *
   * @param rua the URI
   * @param retryable whether a later attempt may succeed (a timeout, a server error), as opposed to
   *     a URI or a message that can never be delivered
   * @param message what went wrong, for a log
   * @param cause the underlying exception, when there is one
   */
  record Failed(URI rua, boolean retryable, String message, @Nullable Throwable cause) implements DeliveryOutcome {
    /**
     * Validates the components.
     *
     * @param rua the {@code rua} component
     * @param retryable the {@code retryable} component
     * @param message the {@code message} component
     * @param cause the {@code cause} component
     */
    public Failed {
      Objects.requireNonNull(rua, "rua");
      Objects.requireNonNull(message, "message");
    }
  }
}
