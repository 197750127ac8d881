package dev.mtasts.owner;

import dev.mtasts.core.Severity;

/**
 * Stable codes for everything the generator and the checker report. The constant names are part
 * of the public contract (JSON output, {@code docs/findings.md}).
 */
public enum FindingCode {
  // ---- _mta-sts TXT record ----
  /** No {@code _mta-sts} record: senders do not use MTA-STS for the domain. */
  STS_RECORD_MISSING(Severity.ERROR, "TXT-7", "Publish a TXT record \"v=STSv1; id=<id>\" at _mta-sts.<domain>."),
  /** Several records begin with {@code v=STSv1}: senders ignore them all. */
  STS_RECORD_MULTIPLE(Severity.ERROR, "TXT-7", "Keep exactly one v=STSv1 TXT record at _mta-sts.<domain>."),
  /** The {@code v=STSv1} record is invalid: senders ignore it. */
  STS_RECORD_INVALID(Severity.ERROR, "TXT-7", "Fix the record as each listed problem says."),
  /** A TXT record looks like an STS record but does not begin with {@code v=STSv1;}, so senders skip it. */
  STS_RECORD_LOOKALIKE(Severity.WARNING, "TXT-7", "Begin the record exactly with \"v=STSv1;\"."),
  /** Whitespace before the first {@code ;} (erratum 6285): some senders discard the record. */
  STS_RECORD_SPACE_BEFORE_DELIMITER(Severity.WARNING, "TXT-7", "Write \"v=STSv1;\" with no space before the ';'."),
  /** The record is reached through a CNAME (delegation to a provider). */
  STS_RECORD_DELEGATED(Severity.INFO, "TXT-10", "None needed; make sure the provider serves a certificate for mta-sts.<domain>."),
  /** DNS failed while looking up a record. */
  DNS_FAILURE(Severity.ERROR, "TXT-13", "Check the domain's name servers; senders keep old policies but cannot learn new ones."),

  // ---- policy fetch ----
  /** The policy host answered with a redirect, which senders must not follow. */
  POLICY_REDIRECT(Severity.ERROR, "FET-7", "Serve the policy directly at https://mta-sts.<domain>/.well-known/mta-sts.txt with status 200."),
  /** The policy host answered with a status other than 200. */
  POLICY_HTTP_STATUS(Severity.ERROR, "FET-6", "Serve the policy file with status 200."),
  /** The media type is not {@code text/plain}. */
  POLICY_CONTENT_TYPE(Severity.ERROR, "FET-9", "Serve the file with Content-Type: text/plain."),
  /** The body is larger than 64 KiB. */
  POLICY_TOO_LARGE(Severity.ERROR, "FET-10", "Keep the policy file under 64 KiB."),
  /** The policy host could not be reached or timed out. */
  POLICY_UNREACHABLE(Severity.ERROR, "FET-10", "Make https://mta-sts.<domain>/ reachable and answer within seconds."),
  /** The TLS handshake with the policy host failed. */
  POLICY_TLS_FAILED(Severity.ERROR, "FET-14", "Offer TLS 1.2 or 1.3 with current cipher suites."),
  /** The policy host's certificate does not chain to a trusted root. */
  POLICY_CERT_NOT_TRUSTED(Severity.ERROR, "FET-2", "Install a certificate from a public CA with its intermediate certificates."),
  /** The policy host's certificate has expired or is not yet valid. */
  POLICY_CERT_EXPIRED(Severity.ERROR, "FET-2", "Renew the certificate of mta-sts.<domain>."),
  /** The policy host's certificate does not name {@code mta-sts.<domain>} in a DNS SAN. */
  POLICY_CERT_NAME_MISMATCH(Severity.ERROR, "FET-3", "Get a certificate whose subject alternative names include mta-sts.<domain>."),
  /** The policy host's certificate expires within 14 days. */
  POLICY_CERT_EXPIRES_SOON(Severity.WARNING, "FET-2", "Renew the certificate of mta-sts.<domain> now."),
  /** The policy is invalid: senders ignore it. */
  POLICY_INVALID(Severity.ERROR, "POL-1", "Fix the policy file as each listed problem says."),
  /** {@code max_age} is above 31557600. */
  POLICY_MAX_AGE_OVER_LIMIT(Severity.ERROR, "POL-7", "Use a max_age of at most 31557600 (one year)."),
  /** The policy breaks the strict grammar in ways lenient senders tolerate and strict ones do not. */
  POLICY_LENIENT_ONLY(Severity.WARNING, "POL-3", "Fix the deviations so that every sender accepts the policy."),
  /** Both LF and CRLF line endings are used. */
  POLICY_MIXED_LINE_ENDINGS(Severity.INFO, "POL-1", "Use one line ending throughout (CRLF or LF)."),

  // ---- policy content ----
  /** Mode {@code testing}: failures are reported, not enforced. */
  MODE_TESTING(Severity.INFO, "APP-2", "Switch to mode enforce once TLS-RPT reports show no failures."),
  /** Mode {@code none}: the domain opts out. */
  MODE_NONE(Severity.INFO, "CAC-14", "Keep serving this policy until every earlier policy's max_age has passed."),
  /** Mode {@code enforce} with a {@code max_age} under one week. */
  MAX_AGE_SHORT(Severity.WARNING, "POL-9", "Use a max_age of at least 604800 (one week) once enforcing."),
  /** A wildcard pattern covers hosts that are likely unrelated to mail. */
  BROAD_WILDCARD(Severity.WARNING, "MXM-12", "List the mail hosts or a mail-only subdomain instead of a broad wildcard."),
  /** The policy's id, derived from its content, does not match the policy served. */
  POLICY_CHANGED_ID_NOT_BUMPED(Severity.ERROR, "CAC-13", "Publish a new id in the _mta-sts TXT record after every policy change."),
  /** The id changed but the policy did not: senders re-fetch for nothing. */
  ID_BUMPED_POLICY_IDENTICAL(Severity.INFO, "TXT-4", "Change the id only when the policy changes."),
  /** The policy served differs from the candidate about to be deployed. */
  SERVED_DIFFERS_FROM_CANDIDATE(Severity.WARNING, "CAC-13", "Deploy the candidate policy, then publish its new id."),

  // ---- TLS-RPT ----
  /** No {@code _smtp._tls} record: the owner hears of no failures. */
  TLSRPT_MISSING(Severity.WARNING, "RPT-1", "Publish \"v=TLSRPTv1; rua=mailto:<address>\" at _smtp._tls.<domain>."),
  /** The TLS-RPT record is invalid, or there are several. */
  TLSRPT_INVALID(Severity.ERROR, "RPT-3", "Keep exactly one valid v=TLSRPTv1 record."),
  /** A {@code rua} URI has a scheme reporters do not support. */
  TLSRPT_UNSUPPORTED_URI(Severity.WARNING, "RPT-4", "Use mailto: or https: reporting URIs."),

  // ---- MX hosts ----
  /** The domain has no MX records: senders use the domain itself. */
  MX_IMPLICIT(Severity.INFO, "APP-9", "Publish MX records naming the hosts the policy lists."),
  /** An MX host in DNS matches no {@code mx} pattern: enforcing senders will not deliver to it. */
  MX_NOT_COVERED(Severity.ERROR, "MXM-1", "Add an mx line for the host to the policy (and publish a new id)."),
  /** An {@code mx} pattern of the policy matches no MX host in DNS. */
  POLICY_MX_UNUSED(Severity.WARNING, "POL-10", "Remove the unused mx line, or add the MX record it is for."),
  /** The MX host could not be reached on the SMTP port. */
  MX_UNREACHABLE(Severity.WARNING, "APP-5", "Make the MX host reachable on port 25."),
  /** The MX host does not offer STARTTLS. */
  MX_NO_STARTTLS(Severity.ERROR, "APP-1", "Enable STARTTLS on the MX host."),
  /** The STARTTLS handshake with the MX host failed. */
  MX_TLS_FAILED(Severity.ERROR, "APP-1", "Offer TLS 1.2 or 1.3 with current cipher suites on the MX host."),
  /** The MX certificate does not chain to a trusted root. */
  MX_CERT_NOT_TRUSTED(Severity.ERROR, "MXM-6", "Install a certificate from a public CA with its intermediate certificates."),
  /** The MX certificate has expired or is not yet valid. */
  MX_CERT_EXPIRED(Severity.ERROR, "MXM-6", "Renew the MX host's certificate."),
  /** The MX certificate does not name the MX host in a DNS SAN. */
  MX_CERT_NAME_MISMATCH(Severity.ERROR, "MXM-7", "Get a certificate whose subject alternative names include the MX host name."),
  /** The MX certificate expires within 14 days. */
  MX_CERT_EXPIRES_SOON(Severity.WARNING, "MXM-6", "Renew the MX host's certificate now."),

  // ---- generator advice ----
  /** First deployments should start in mode {@code testing}. */
  START_IN_TESTING(Severity.INFO, "APP-2", "Publish mode testing first and enforce after reviewing TLS-RPT reports."),
  /** Reports are the only way to learn about failures. */
  PUBLISH_TLSRPT(Severity.INFO, "RPT-1", "Add a TLS-RPT reporting address (--rua).");

  private final Severity severity;
  private final String checklistId;
  private final String fix;

  FindingCode(Severity severity, String checklistId, String fix) {
    this.severity = severity;
    this.checklistId = checklistId;
    this.fix = fix;
  }

  /**
   * Returns the usual severity; a finding may carry another one where context demands (an
   * uncovered MX host is an error under {@code enforce}, a warning under {@code testing}).
   *
   * @return the default severity
   */
  public Severity defaultSeverity() {
    return severity;
  }

  /**
   * Returns the ID of the checklist rule concerned.
   *
   * @return an ID such as {@code "FET-7"}
   */
  public String checklistId() {
    return checklistId;
  }

  /**
   * Returns the one-line fix.
   *
   * @return what to do about it
   */
  public String fix() {
    return fix;
  }

  /**
   * Returns the one-paragraph explanation: what the finding means for senders, why, and the RFC
   * section; the same text as {@code docs/findings.md} and {@code mta-sts explain CODE}.
   *
   * @return the explanation
   * @see Explanations
   */
  public String explanation() {
    return Explanations.of(name()).orElseThrow(() -> new IllegalStateException("no explanation of " + name()));
  }
}
