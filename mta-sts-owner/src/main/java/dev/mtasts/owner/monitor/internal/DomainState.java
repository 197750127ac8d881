package dev.mtasts.owner.monitor.internal;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor remembers of one domain between checks: the open alerts, the failure counters,
 * and the facts that a change is measured against (policy id and text, certificates, MX hosts,
 * since when the domain is in mode testing). Mutable; one round of one domain owns it at a time.
 */
public final class DomainState {
  /** The most open alerts kept per domain: far more than the codes times a sane number of MX hosts. */
  public static final int MAX_OPEN = 512;
  /**
   * The most past alerts kept per domain for the history a report page shows (MON-56): the
   * newest ones. Reminders are not kept, they repeat an alert already in the history.
   */
  public static final int MAX_HISTORY = 100;
  /** The most characters of an alert's before or after text kept in the history. */
  public static final int MAX_HISTORY_TEXT = 1_000;

  final PolicyDomain domain;
  /** Open conditions by {@link #key(AlertCode, String)}, sorted so that the file is stable. */
  final Map<String, OpenAlert> open = new TreeMap<>();
  int policyFailures;
  int incompleteChecks;
  final Map<String, Integer> mxFailures = new TreeMap<>();
  @Nullable String observedId;
  @Nullable String observedPolicy;
  /** The id under which the policy changed; the condition holds while the record keeps it. */
  @Nullable String staleId;
  @Nullable CertSeen policyCert;
  final Map<String, CertSeen> mxCerts = new TreeMap<>();
  /** The MX hosts last seen, or {@code null} before the first successful MX lookup. */
  @Nullable List<String> mxHosts;
  @Nullable Instant testingSince;
  /** When the domain was last checked, or {@code null} before its first check. */
  @Nullable Instant lastChecked;
  /** The alerts sent, oldest first, at most {@link #MAX_HISTORY}. */
  final ArrayDeque<Alert> history = new ArrayDeque<>();

  /**
   * Creates the state of a domain never checked.
   *
   * @param domain the Policy Domain
   */
  public DomainState(PolicyDomain domain) {
    this.domain = Objects.requireNonNull(domain, "domain");
  }

  /**
   * Returns the domain.
   *
   * @return the Policy Domain
   */
  public PolicyDomain domain() {
    return domain;
  }

  /**
   * Returns the open conditions.
   *
   * @return a copy, in key order
   */
  public List<OpenAlert> openAlerts() {
    return List.copyOf(new ArrayList<>(open.values()));
  }

  /**
   * Returns the alerts sent for this domain, reminders left out.
   *
   * @return a copy, oldest first, at most {@link #MAX_HISTORY}
   */
  public List<Alert> history() {
    return List.copyOf(history);
  }

  /**
   * Returns when the domain was last checked.
   *
   * @return the time of the last check, or {@code null} before the first
   */
  public @Nullable Instant lastChecked() {
    return lastChecked;
  }

  /**
   * Returns the id the policy was last served under.
   *
   * @return the id of the valid {@code v=STSv1} record seen with the last policy read, or {@code null}
   */
  public @Nullable String observedId() {
    return observedId;
  }

  /**
   * Returns the policy text last served.
   *
   * @return the text, or {@code null} before one was read
   */
  public @Nullable String observedPolicy() {
    return observedPolicy;
  }

  /**
   * Returns the MX hosts last seen.
   *
   * @return the hosts, empty before the first successful MX lookup
   */
  public List<String> mxHosts() {
    return mxHosts == null ? List.of() : mxHosts;
  }

  /**
   * Returns the policy host's certificate as last seen.
   *
   * @return what an alert says of it, or {@code null} if none was seen
   */
  public @Nullable String policyCertificate() {
    return policyCert == null ? null : policyCert.description();
  }

  /**
   * Returns the MX hosts' certificates as last seen.
   *
   * @return host to description, in host order
   */
  public Map<String, String> mxCertificates() {
    Map<String, String> out = new TreeMap<>();
    mxCerts.forEach((host, c) -> out.put(host, c.description()));
    return out;
  }

  /**
   * Returns since when the policy is in mode testing.
   *
   * @return the time the monitor first saw mode testing, or {@code null} if it is not
   */
  public @Nullable Instant testingSince() {
    return testingSince;
  }

  /**
   * Adds a sent alert to the history, dropping the oldest beyond {@link #MAX_HISTORY}; a reminder
   * is not added. Long before and after texts are cut to {@link #MAX_HISTORY_TEXT} characters so
   * that the state file stays small.
   *
   * @param a the alert
   */
  void remember(Alert a) {
    if (a.status() == AlertStatus.REMINDER) {
      return;
    }
    history.addLast(new Alert(a.code(), a.status(), a.severity(), a.domain(), a.subject(), cut(a.before()),
        cut(a.after()), a.fix(), a.at(), a.since()));
    while (history.size() > MAX_HISTORY) {
      history.removeFirst();
    }
  }

  private static @Nullable String cut(@Nullable String text) {
    return text == null || text.length() <= MAX_HISTORY_TEXT ? text : text.substring(0, MAX_HISTORY_TEXT - 1) + "…";
  }

  static String key(AlertCode code, String subject) {
    return code.name() + " " + subject;
  }

  /**
   * An open condition.
   *
   * @param code the code
   * @param subject what is concerned
   * @param level what distinguishes a worse state of the same condition (an expiry threshold);
   *     a change of level fires again
   * @param severity the severity it fired with
   * @param detail the last description of it
   * @param since when it was first seen
   * @param lastNotified when an alert about it was last sent
   */
  public record OpenAlert(AlertCode code, String subject, String level, Severity severity, String detail,
      Instant since, Instant lastNotified) {
    /**
     * Validates the components.
     *
     * @param code the {@code code} component
     * @param subject the {@code subject} component
     * @param level the {@code level} component
     * @param severity the {@code severity} component
     * @param detail the {@code detail} component
     * @param since the {@code since} component
     * @param lastNotified the {@code lastNotified} component
     */
    public OpenAlert {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(lastNotified, "lastNotified");
    }
  }

  /**
   * A certificate as last seen.
   *
   * @param fingerprint its SHA-256, lower-case hex
   * @param description what an alert says of it (names, issuer, expiry)
   */
  public record CertSeen(String fingerprint, String description) {
    /**
     * Validates the components.
     *
     * @param fingerprint the {@code fingerprint} component
     * @param description the {@code description} component
     */
    public CertSeen {
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(description, "description");
    }
  }
}
