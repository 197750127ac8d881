package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.Severity;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.DomainStatus;
import dev.mtasts.owner.monitor.MonitorStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A line of status or alert history for a domain that the HTML page shows beside the reports:
 * the policy and record status and the alerts a monitor keeps ({@link #fromMonitor} makes them
 * from a monitor's state directory).
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

  /**
   * The notes a report page shows for what a monitor's state directory says (MON-58): per watched
   * domain, the last check, the policy, MX hosts and certificates at a glance, each open alert with
   * its fix, and the alert history. Pass them to {@link ReportHtml#render}; a watched domain
   * without reports still gets its section.
   *
   * @param status what {@link MonitorStatus#read} found
   * @param now the time the page is made, for "in mode testing for N days"
   * @return the notes, per domain in the status's order
   */
  public static List<StatusNote> fromMonitor(MonitorStatus status, Instant now) {
    List<StatusNote> out = new ArrayList<>();
    for (DomainStatus d : status.domains()) {
      String domain = d.domain().name();
      out.add(glance(domain, d.open().isEmpty() ? Severity.INFO : worst(d.open()), d.lastChecked() == null
          ? "Monitor: not checked yet"
          : "Monitor: last checked " + d.lastChecked().truncatedTo(ChronoUnit.SECONDS) + ", "
              + (d.open().isEmpty() ? "no open alert" : d.open().size() + " open alert(s)")));
      if (d.policy() != null) {
        out.add(glance(domain, Severity.INFO, "Policy id " + (d.policyId() == null ? "(none)" : d.policyId()) + ": "
            + policy(d.policy())));
      }
      if (d.testingSince() != null) {
        out.add(glance(domain, Severity.INFO, "In mode testing since " + d.testingSince().truncatedTo(ChronoUnit.DAYS)
            .toString().substring(0, 10) + " (" + Duration.between(d.testingSince(), now).toDays() + " days)"));
      }
      if (!d.mxHosts().isEmpty()) {
        out.add(glance(domain, Severity.INFO, "MX hosts: " + String.join(", ", d.mxHosts())));
      }
      if (d.policyCertificate() != null) {
        out.add(glance(domain, Severity.INFO, "Policy host certificate: " + d.policyCertificate()));
      }
      for (Map.Entry<String, String> e : d.mxCertificates().entrySet()) {
        out.add(glance(domain, Severity.INFO, "Certificate of " + e.getKey() + ": " + e.getValue()));
      }
      for (Alert a : d.open()) {
        out.add(glance(domain, a.severity(), "Open since " + a.since().truncatedTo(ChronoUnit.SECONDS) + ": "
            + a.code() + " " + a.subject() + ": " + a.after() + ". Fix: " + a.fix()));
      }
      for (Alert a : d.history()) {
        out.add(new StatusNote(domain, StatusNote.Kind.ALERT, a.severity(), a.status().token() + " " + a.code() + " "
            + a.subject() + ": " + (a.after() != null ? a.after() : "cleared (was: " + a.before() + ")"), a.at()));
      }
    }
    return out;
  }

  private static StatusNote glance(String domain, Severity severity, String text) {
    return new StatusNote(domain, StatusNote.Kind.STATUS, severity, text, null);
  }

  private static Severity worst(List<Alert> open) {
    return open.stream().map(Alert::severity).min(Enum::compareTo).orElse(Severity.INFO);
  }

  /** The policy in one line, or why it cannot be read. */
  private static String policy(String text) {
    try {
      MtaStsPolicy p = MtaStsPolicy.parseLenient(text).policy();
      return "mode " + p.mode().token() + ", max_age " + Durations.human(p.maxAge())
          + (p.mx().isEmpty() ? "" : ", mx " + p.mx().stream().map(MxPattern::toString)
              .collect(Collectors.joining(", ")));
    } catch (RuntimeException e) {
      return "served but not valid (" + e.getMessage() + ")";
    }
  }
}
