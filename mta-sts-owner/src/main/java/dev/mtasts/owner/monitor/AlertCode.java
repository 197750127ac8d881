package dev.mtasts.owner.monitor;

import dev.mtasts.core.Severity;

/**
 * Stable codes of the alerts {@link MtaStsMonitor} raises. The constant names are part of the
 * public contract (the JSON of an alert, {@code docs/alerts.md}); each names the checklist rule
 * (section (r) of {@code docs/rfc-checklist.md}) that says when it fires.
 *
 * <p>Most codes are <em>conditions</em>: they fire when the condition appears, remind while it
 * holds, and resolve when it clears. Codes whose {@link #isNotice()} is {@code true} report a
 * change (a new certificate, a new MX set): they fire once per change and never resolve.
 */
public enum AlertCode {
  // ---- _mta-sts TXT record (RFC 8461 §3.1) ----
  /** The {@code _mta-sts} record is gone: senders stop learning of new policies. */
  STS_RECORD_GONE(Severity.ERROR, "MON-1", false,
      "Publish a TXT record \"v=STSv1; id=<id>\" at _mta-sts.<domain> again."),
  /** The {@code _mta-sts} record is invalid: senders ignore it. */
  STS_RECORD_INVALID(Severity.ERROR, "MON-2", false, "Fix the _mta-sts.<domain> record so that it parses."),
  /** Several {@code v=STSv1} records: senders ignore them all. */
  STS_RECORD_MULTIPLE(Severity.ERROR, "MON-3", false, "Keep exactly one v=STSv1 TXT record at _mta-sts.<domain>."),

  // ---- policy host (RFC 8461 §3.3) ----
  /** The policy could not be fetched in N consecutive checks (not a certificate or content problem). */
  POLICY_UNREACHABLE(Severity.ERROR, "MON-4", false,
      "Make https://mta-sts.<domain>/.well-known/mta-sts.txt answer with status 200 within seconds."),
  /** The policy served is invalid: senders ignore it. */
  POLICY_INVALID(Severity.ERROR, "MON-5", false, "Fix the policy file so that it parses, then publish a new id."),
  /** The policy changed but the {@code id} of the TXT record did not: cached copies stay in use. */
  POLICY_CHANGED_WITHOUT_NEW_ID(Severity.ERROR, "MON-6", false,
      "Publish a new id in the _mta-sts.<domain> record now that the policy changed."),
  /** The policy host's certificate expires within 30, 14, 7 or 1 days (an error from 7 days on). */
  POLICY_CERT_EXPIRING(Severity.WARNING, "MON-7", false, "Renew the certificate of mta-sts.<domain>."),
  /** The policy host's certificate has expired: no sender can fetch the policy. */
  POLICY_CERT_EXPIRED(Severity.ERROR, "MON-8", false, "Renew the certificate of mta-sts.<domain> now."),
  /** The policy host presents another certificate than at the last check. */
  POLICY_CERT_CHANGED(Severity.INFO, "MON-9", true,
      "None if you renewed it; otherwise find out who changed the certificate of mta-sts.<domain>."),
  /** The policy host's certificate is not trusted or does not name {@code mta-sts.<domain>}. */
  POLICY_CERT_INVALID(Severity.ERROR, "MON-10", false,
      "Install a publicly trusted certificate naming mta-sts.<domain>, with its intermediates."),

  // ---- MX hosts (RFC 8461 §4) ----
  /** The set of MX hosts in DNS changed. */
  MX_CHANGED(Severity.INFO, "MON-11", true,
      "Make sure every new MX host matches an mx line of the policy and offers STARTTLS with a valid certificate."),
  /** An MX host matches no {@code mx} pattern of the policy (an error under {@code enforce}). */
  MX_NOT_COVERED(Severity.ERROR, "MON-12", false,
      "Add an mx line for <subject> to the policy and publish a new id, or remove the MX record."),
  /** An {@code mx} pattern of the policy matches no MX host any more. */
  MX_PATTERN_UNUSED(Severity.WARNING, "MON-13", false,
      "Remove the mx line <subject> from the policy (and publish a new id), or restore its MX record."),
  /** An MX host's certificate expires within 30, 14, 7 or 1 days (an error from 7 days on). */
  MX_CERT_EXPIRING(Severity.WARNING, "MON-14", false, "Renew the certificate of <subject>."),
  /** An MX host's certificate has expired: enforcing senders do not deliver to it. */
  MX_CERT_EXPIRED(Severity.ERROR, "MON-15", false, "Renew the certificate of <subject> now."),
  /** An MX host presents another certificate than at the last check. */
  MX_CERT_CHANGED(Severity.INFO, "MON-16", true,
      "None if you renewed it; otherwise find out who changed the certificate of <subject>."),
  /** An MX host's certificate is not trusted or does not name the host. */
  MX_CERT_INVALID(Severity.ERROR, "MON-17", false,
      "Install a publicly trusted certificate naming <subject>, with its intermediates."),
  /** An MX host no longer offers STARTTLS. */
  MX_STARTTLS_GONE(Severity.ERROR, "MON-18", false, "Enable STARTTLS on <subject> again."),
  /** The STARTTLS handshake with an MX host fails. */
  MX_TLS_FAILED(Severity.ERROR, "MON-19", false, "Offer TLS 1.2 or 1.3 with current cipher suites on <subject>."),
  /** An MX host could not be reached in N consecutive checks. */
  MX_UNREACHABLE(Severity.WARNING, "MON-20", false, "Make <subject> reachable on port 25."),

  // ---- TLS-RPT record (RFC 8460 §3) ----
  /** The {@code _smtp._tls} record is gone: the owner hears of no failures. */
  TLSRPT_RECORD_GONE(Severity.WARNING, "MON-21", false,
      "Publish \"v=TLSRPTv1; rua=mailto:<address>\" at _smtp._tls.<domain> again."),
  /** The {@code _smtp._tls} record is invalid, repeated, or has no {@code mailto:}/{@code https:} endpoint. */
  TLSRPT_NO_USABLE_ENDPOINT(Severity.WARNING, "MON-22", false,
      "Keep exactly one valid v=TLSRPTv1 record with at least one mailto: or https: rua."),

  // ---- policy content and reports ----
  /** Mode {@code enforce} with a {@code max_age} under one week. */
  MAX_AGE_SHORT(Severity.WARNING, "MON-23", false, "Use a max_age of at least 604800 (one week) under mode enforce."),
  /** Mode {@code testing} for long enough, and the reports of that period show sessions and no failure. */
  READY_FOR_ENFORCE(Severity.INFO, "MON-24", false,
      "Switch the policy to mode enforce and publish a new id."),
  /** The reports of the last complete day show a sudden rise of failed sessions. */
  REPORT_FAILURE_SPIKE(Severity.ERROR, "MON-25", false,
      "Read the day's TLS-RPT reports for the failure types and the MX hosts concerned."),

  // ---- the monitor itself ----
  /** DNS lookups of the domain failed, or the check missed its deadline, in N consecutive checks. */
  CHECK_INCOMPLETE(Severity.ERROR, "MON-26", false,
      "Check the domain's name servers and the monitor's network; until then nothing else is re-evaluated.");

  private final Severity severity;
  private final String checklistId;
  private final boolean notice;
  private final String fix;

  AlertCode(Severity severity, String checklistId, boolean notice, String fix) {
    this.severity = severity;
    this.checklistId = checklistId;
    this.notice = notice;
    this.fix = fix;
  }

  /**
   * Returns the usual severity; an alert may carry another one where the context demands (an
   * expiring certificate is an error from 7 days on, an uncovered MX host a warning under mode
   * {@code testing}).
   *
   * @return the default severity
   */
  public Severity defaultSeverity() {
    return severity;
  }

  /**
   * Returns the ID of the checklist rule that says when this alert fires.
   *
   * @return an ID such as {@code "MON-4"}
   */
  public String checklistId() {
    return checklistId;
  }

  /**
   * Tells whether this code reports a change rather than a condition: it fires once per change,
   * with the state before and after, and never resolves.
   *
   * @return {@code true} for a change notice
   */
  public boolean isNotice() {
    return notice;
  }

  /**
   * Returns the one-line fix, with the placeholders {@code <domain>} and {@code <subject>}.
   *
   * @return what to do about it
   */
  public String fix() {
    return fix;
  }

  /**
   * Returns the fix written for a domain and the thing concerned.
   *
   * @param domain the Policy Domain's name
   * @param subject the MX host, pattern or record concerned
   * @return the fix with the placeholders replaced
   */
  public String fix(String domain, String subject) {
    return fix.replace("<domain>", domain).replace("<subject>", subject);
  }
}
