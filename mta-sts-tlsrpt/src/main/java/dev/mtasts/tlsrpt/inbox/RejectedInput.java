package dev.mtasts.tlsrpt.inbox;

import java.util.Objects;

/**
 * An input the inbox could not use: a message over a cap, a mail without a report part, a report
 * the parser rejected, an unreadable file. Kept so that a summary can say what was skipped.
 *
 * @param source where it came from: a file name, with {@code #n} for the n-th message of an mbox
 * @param reason why it was skipped, for a person; quotes input, so escape it before printing
 *     ({@link dev.mtasts.core.SafeText})
 */
public record RejectedInput(String source, String reason) {
  /**
   * Validates the components.
   *
   * @param source the {@code source} component
   * @param reason the {@code reason} component
   */
  public RejectedInput {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
  }
}
