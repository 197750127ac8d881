package dev.mtasts.owner;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * @param failedLookups the DNS lookups that failed temporarily (each also has a
 *     {@link FindingCode#DNS_FAILURE} finding, whose message is for people); what depends on one of
 *     them is unknown, not absent
 * @param observation the published id with the policy served, for the next drift check
 */
public record CheckReport(PolicyDomain domain, Instant checkedAt, List<String> stsRecords, List<String> stsCnameChain,
    @Nullable String policyId, PolicyFetchOutcome fetch, @Nullable MtaStsPolicy policy, List<String> tlsRptRecords,
    List<MxHostCheck> mxHosts, List<Finding> findings, Set<Lookup> failedLookups,
    PolicyDrift.@Nullable Observation observation) {

  /**
   * A DNS lookup the checker makes. When one fails temporarily (a timeout, SERVFAIL: RFC 8461 §3.1
   * and §5 treat that as "unknown", not as "no record"), the records it would have given are empty
   * in the report and the findings that depend on them are missing; {@link #lookupFailed} tells
   * which, so that a tool never reads an outage as a removed record.
   */
  public enum Lookup {
    /** The TXT records at {@code _mta-sts.<domain>} (RFC 8461 §3.1): {@link #stsRecords()}, {@link #policyId()}. */
    STS_RECORD,
    /** The TXT records at {@code _smtp._tls.<domain>} (RFC 8460 §3): {@link #tlsRptRecords()}. */
    TLSRPT_RECORD,
    /** The MX records of the domain (RFC 8461 §4.1, RFC 5321 §5.1): {@link #mxHosts()}. */
    MX
  }

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
   * @param failedLookups the {@code failedLookups} component
   * @param observation the {@code observation} component
   * @throws IllegalArgumentException if a lookup failed without a {@link FindingCode#DNS_FAILURE}
   *     finding
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
    EnumSet<Lookup> failed = EnumSet.noneOf(Lookup.class);
    for (Lookup l : failedLookups) {
      failed.add(Objects.requireNonNull(l, "failedLookups element"));
    }
    if (!failed.isEmpty() && findings.stream().noneMatch(f -> f.code() == FindingCode.DNS_FAILURE)) {
      throw new IllegalArgumentException("failed lookups " + failed + " need a DNS_FAILURE finding");
    }
    failedLookups = Collections.unmodifiableSet(failed);
  }

  /**
   * Tells whether a DNS lookup failed temporarily, so that what it would have given is unknown.
   * Use this rather than the wording of a {@link FindingCode#DNS_FAILURE} message, which may
   * change.
   *
   * @param lookup the lookup
   * @return {@code true} if it failed
   */
  public boolean lookupFailed(Lookup lookup) {
    return failedLookups.contains(Objects.requireNonNull(lookup, "lookup"));
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
