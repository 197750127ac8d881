package dev.mtasts.owner.monitor.internal;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.AlertCode;
import java.time.Instant;
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
