package dev.mtasts.tlsrpt;

import dev.mtasts.core.PolicyDomain;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The sessions one policy domain had on one UTC day, as {@link TlsRptRecorder} counted them: the
 * content of one report.
 *
 * @param day the UTC day
 * @param policyDomain the policy domain every policy here belongs to
 * @param policies one entry per distinct policy applied that day, at least one
 */
public record DailyAggregate(LocalDate day, PolicyDomain policyDomain, List<PolicyReport> policies) {

  /**
   * Validates the components and copies the list.
   *
   * @param day the {@code day} component
   * @param policyDomain the {@code policyDomain} component
   * @param policies the {@code policies} component
   * @throws IllegalArgumentException if {@code policies} is empty or a policy belongs to another
   *     domain
   */
  public DailyAggregate {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(policyDomain, "policyDomain");
    policies = List.copyOf(policies);
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("an aggregate has at least one policy");
    }
    for (PolicyReport p : policies) {
      if (!policyDomain.name().equals(p.policy().policyDomain())) {
        throw new IllegalArgumentException("policy of domain " + p.policy().policyDomain()
            + " in the aggregate of " + policyDomain);
      }
    }
  }

  /**
   * Returns the period this aggregate covers.
   *
   * @return the full UTC day (RPT-8)
   */
  public DateRange dateRange() {
    return DateRange.utcDay(day);
  }
}
