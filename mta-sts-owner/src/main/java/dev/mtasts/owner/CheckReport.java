package dev.mtasts.owner;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link MtaStsChecker} found for a domain.
 *
 * @param domain the Policy Domain
 * @param checkedAt when the check ran
 * @param stsRecords the TXT values at {@code _mta-sts.<domain>} (empty when none or DNS failed)
 * @param stsCnameChain the CNAMEs followed to reach them (delegation, TXT-10)
 * @param policyId the id of the one valid {@code v=STSv1} record, or {@code null}
 * @param fetch the policy fetch
 * @param policy the policy, when it could be read (leniently)
 * @param tlsRptRecords the TXT values at {@code _smtp._tls.<domain>}
 * @param mxHosts the MX hosts in preference order
 * @param findings everything found, errors first
 * @param observation the published id with the policy served, for the next drift check
 */
public record CheckReport(PolicyDomain domain, Instant checkedAt, List<String> stsRecords, List<String> stsCnameChain,
    @Nullable String policyId, PolicyFetchOutcome fetch, @Nullable MtaStsPolicy policy, List<String> tlsRptRecords,
    List<MxHostCheck> mxHosts, List<Finding> findings, PolicyDrift.@Nullable Observation observation) {

  /**
   * Copies the lists.
   *
   * @param domain the {@code domain} component
   * @param checkedAt the {@code checkedAt} component
   * @param stsRecords the {@code stsRecords} component
   * @param stsCnameChain the {@code stsCnameChain} component
   * @param policyId the {@code policyId} component
   * @param fetch the {@code fetch} component
   * @param policy the {@code policy} component
   * @param tlsRptRecords the {@code tlsRptRecords} component
   * @param mxHosts the {@code mxHosts} component
   * @param findings the {@code findings} component
   * @param observation the {@code observation} component
   */
  public CheckReport {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(checkedAt, "checkedAt");
    stsRecords = List.copyOf(stsRecords);
    stsCnameChain = List.copyOf(stsCnameChain);
    Objects.requireNonNull(fetch, "fetch");
    tlsRptRecords = List.copyOf(tlsRptRecords);
    mxHosts = List.copyOf(mxHosts);
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether any finding is an error.
   *
   * @return {@code true} when the domain has an error
   */
  public boolean hasErrors() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
  }

  /**
   * Returns the findings with a given code.
   *
   * @param code the code
   * @return the matching findings
   */
  public List<Finding> findings(FindingCode code) {
    return findings.stream().filter(f -> f.code() == code).toList();
  }
}
