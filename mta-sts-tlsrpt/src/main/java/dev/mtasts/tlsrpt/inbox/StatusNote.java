package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.Severity;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A line of status or alert history for a domain that the HTML page shows beside the reports:
 * the policy and record status and the alerts a monitor keeps (its state is the caller's).
 *
 * @param domain the policy domain
 * @param kind current status or a past alert
 * @param severity how bad
 * @param text what it says, for a person (escaped by the page)
 * @param at when it was seen or raised, if known
 */
public record StatusNote(String domain, Kind kind, Severity severity, String text, @Nullable Instant at) {
  /** Which list the note belongs to. */
  public enum Kind {
    /** The current state of the policy or a record, shown at a glance. */
    STATUS,
    /** An alert raised in the past, shown in the history. */
    ALERT
  }

  /**
   * Validates the components.
   *
   * @param domain the {@code domain} component
   * @param kind the {@code kind} component
   * @param severity the {@code severity} component
   * @param text the {@code text} component
   * @param at the {@code at} component
   */
  public StatusNote {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(text, "text");
  }
}
