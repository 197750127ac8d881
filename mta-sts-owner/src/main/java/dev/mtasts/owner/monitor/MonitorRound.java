package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What one round of {@link MtaStsMonitor} did: the alerts it sent and the conditions open after
 * it.
 *
 * @param startedAt when the round started
 * @param alerts the alerts sent, domain by domain in the configured order
 * @param open the conditions open after the round, over every domain
 * @param delivered completes (never exceptionally) when every sink has finished with the alerts;
 *     the round itself does not wait for it, so a slow sink never delays the next round (MON-35)
 */
public record MonitorRound(Instant startedAt, List<Alert> alerts, List<OpenCondition> open,
    CompletionStage<Void> delivered) {
  /**
   * Copies the lists.
   *
   * @param startedAt the {@code startedAt} component
   * @param alerts the {@code alerts} component
   * @param open the {@code open} component
   * @param delivered the {@code delivered} component
   */
  public MonitorRound {
    Objects.requireNonNull(startedAt, "startedAt");
    alerts = List.copyOf(alerts);
    open = List.copyOf(open);
    Objects.requireNonNull(delivered, "delivered");
  }

  /**
   * Tells whether an error condition is open after the round: the exit status of
   * {@code mta-sts monitor --once} (MON-37).
   *
   * @return {@code true} if any open condition has severity error
   */
  public boolean hasOpenErrors() {
    return open.stream().anyMatch(o -> o.severity() == Severity.ERROR);
  }

  /**
   * A condition open after a round.
   *
   * @param code the code
   * @param severity its current severity
   * @param domain the Policy Domain
   * @param subject what is concerned
   * @param detail its last description
   * @param since when it was first seen
   */
  public record OpenCondition(AlertCode code, Severity severity, PolicyDomain domain, String subject, String detail,
      Instant since) {
    /**
     * Validates the components.
     *
     * @param code the {@code code} component
     * @param severity the {@code severity} component
     * @param domain the {@code domain} component
     * @param subject the {@code subject} component
     * @param detail the {@code detail} component
     * @param since the {@code since} component
     */
    public OpenCondition {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(since, "since");
    }
  }
}
