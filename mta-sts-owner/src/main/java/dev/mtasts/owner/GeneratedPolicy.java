package dev.mtasts.owner;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptRecord;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a domain owner publishes for MTA-STS and TLS-RPT, as {@link PolicyGenerator} makes it.
 *
 * @param domain the Policy Domain
 * @param policy the policy
 * @param policyText the policy file, CRLF line endings, to serve as {@code text/plain}
 * @param policyUrl where to serve it
 * @param stsRecord the {@code _mta-sts} TXT record
 * @param tlsRptRecord the {@code _smtp._tls} TXT record, when reporting addresses were given
 * @param zoneLines the records as BIND zone-file lines with absolute names, comments included
 * @param checklist the publishing steps, in order
 * @param advice findings about the choices made
 */
public record GeneratedPolicy(PolicyDomain domain, MtaStsPolicy policy, String policyText, URI policyUrl,
    MtaStsRecord stsRecord, @Nullable TlsRptRecord tlsRptRecord, List<String> zoneLines, List<String> checklist,
    List<Finding> advice) {

  /**
   * Copies the lists.
   *
   * @param domain the {@code domain} component
   * @param policy the {@code policy} component
   * @param policyText the {@code policyText} component
   * @param policyUrl the {@code policyUrl} component
   * @param stsRecord the {@code stsRecord} component
   * @param tlsRptRecord the {@code tlsRptRecord} component
   * @param zoneLines the {@code zoneLines} component
   * @param checklist the {@code checklist} component
   * @param advice the {@code advice} component
   */
  public GeneratedPolicy {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(policyText, "policyText");
    Objects.requireNonNull(policyUrl, "policyUrl");
    Objects.requireNonNull(stsRecord, "stsRecord");
    zoneLines = List.copyOf(zoneLines);
    checklist = List.copyOf(checklist);
    advice = List.copyOf(advice);
  }
}
