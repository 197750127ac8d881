package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link MtaStsMonitor} last knew of one domain, as {@link MonitorStatus#read} finds it in
 * the state directory: the policy and records it last saw (RFC 8461 §3.1, §3.2), the
 * certificates, the alerts still open and the alerts it sent.
 *
 * @param domain the Policy Domain
 * @param lastChecked when the monitor last checked it, or {@code null} if it never did
 * @param policyId the id published with the policy last read, or {@code null}
 * @param policy the policy text last served, or {@code null} if none was read
 * @param mxHosts the MX hosts last seen, in preference order; empty if none was seen
 * @param policyCertificate the policy host's certificate as last seen (names, issuer, expiry), or
 *     {@code null}
 * @param mxCertificates each MX host's certificate as last seen, by host
 * @param testingSince since when the policy is in mode {@code testing}, or {@code null} if it is not
 * @param open the conditions still open, each as the {@link AlertStatus#FIRING} alert it is, with
 *     {@link Alert#at()} the last time it was sent
 * @param history the alerts sent (reminders left out), oldest first, at most
 *     {@link MonitorStatus#MAX_HISTORY}
 */
public record DomainStatus(PolicyDomain domain, @Nullable Instant lastChecked, @Nullable String policyId,
    @Nullable String policy, List<String> mxHosts, @Nullable String policyCertificate,
    Map<String, String> mxCertificates, @Nullable Instant testingSince, List<Alert> open, List<Alert> history) {

  /**
   * Copies the lists and the map.
   *
   * @param domain the {@code domain} component
   * @param lastChecked the {@code lastChecked} component
   * @param policyId the {@code policyId} component
   * @param policy the {@code policy} component
   * @param mxHosts the {@code mxHosts} component
   * @param policyCertificate the {@code policyCertificate} component
   * @param mxCertificates the {@code mxCertificates} component
   * @param testingSince the {@code testingSince} component
   * @param open the {@code open} component
   * @param history the {@code history} component
   */
  public DomainStatus {
    Objects.requireNonNull(domain, "domain");
    mxHosts = List.copyOf(mxHosts);
    mxCertificates = Map.copyOf(mxCertificates);
    open = List.copyOf(open);
    history = List.copyOf(history);
  }
}
