package dev.mtasts.owner.monitor.internal;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.TxtRecordSelection;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.internal.Counts;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.owner.CheckReport;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.FindingCode;
import dev.mtasts.owner.MxHostCheck;
import dev.mtasts.owner.PolicyGenerator;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.owner.monitor.SpikeVerdict;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns one check of one domain into the conditions that hold now, the changes seen, and what
 * could not be evaluated (whose open alerts are kept as they are: an unanswered question is
 * neither a new problem nor a fix, MON-30). Updates the state's counters and facts as it goes.
 */
public final class Evaluation {
  private static final EnumSet<AlertCode> STS = EnumSet.of(AlertCode.STS_RECORD_GONE, AlertCode.STS_RECORD_INVALID,
      AlertCode.STS_RECORD_MULTIPLE);
  private static final EnumSet<AlertCode> POLICY_HOST = EnumSet.of(AlertCode.POLICY_INVALID,
      AlertCode.POLICY_CERT_EXPIRING, AlertCode.POLICY_CERT_EXPIRED, AlertCode.POLICY_CERT_INVALID);
  private static final EnumSet<AlertCode> NEEDS_POLICY = EnumSet.of(AlertCode.MAX_AGE_SHORT,
      AlertCode.POLICY_CHANGED_WITHOUT_NEW_ID, AlertCode.MX_NOT_COVERED, AlertCode.MX_PATTERN_UNUSED,
      AlertCode.READY_FOR_ENFORCE);
  private static final EnumSet<AlertCode> MX_HOST = EnumSet.of(AlertCode.MX_CERT_EXPIRING, AlertCode.MX_CERT_EXPIRED,
      AlertCode.MX_CERT_INVALID, AlertCode.MX_STARTTLS_GONE, AlertCode.MX_TLS_FAILED, AlertCode.MX_UNREACHABLE);
  private static final EnumSet<AlertCode> MX_ALL = EnumSet.of(AlertCode.MX_NOT_COVERED, AlertCode.MX_PATTERN_UNUSED,
      AlertCode.MX_CERT_EXPIRING, AlertCode.MX_CERT_EXPIRED, AlertCode.MX_CERT_INVALID, AlertCode.MX_STARTTLS_GONE,
      AlertCode.MX_TLS_FAILED, AlertCode.MX_UNREACHABLE);
  private static final EnumSet<AlertCode> TLSRPT = EnumSet.of(AlertCode.TLSRPT_RECORD_GONE,
      AlertCode.TLSRPT_NO_USABLE_ENDPOINT);
  private static final EnumSet<AlertCode> REPORTS = EnumSet.of(AlertCode.READY_FOR_ENFORCE,
      AlertCode.REPORT_FAILURE_SPIKE);

  /** The longest span of days asked of a report source. */
  static final int MAX_REPORT_DAYS = 400;

  private final DomainState state;
  private final Settings settings;
  private final Instant now;
  private final PolicyDomain domain;
  private final Map<String, Condition> current = new LinkedHashMap<>();
  private final List<Notice> notices = new ArrayList<>();
  /** Codes whose open alerts are kept whatever their subject. */
  private final Set<AlertCode> carriedCodes = EnumSet.noneOf(AlertCode.class);
  /** MX hosts whose per-host alerts are kept. */
  private final Set<String> carriedHosts = new HashSet<>();

  private Evaluation(DomainState state, Settings settings, Instant now) {
    this.state = state;
    this.settings = settings;
    this.now = now;
    this.domain = state.domain;
  }

  /**
   * A condition that holds now.
   *
   * @param code the code
   * @param subject what is concerned
   * @param level what tells a worse state apart (an expiry threshold), or {@code ""}
   * @param severity the severity here
   * @param before what was before, when known (a changed policy), or {@code null}
   * @param detail what holds now
   */
  public record Condition(AlertCode code, String subject, String level, Severity severity, @Nullable String before,
      String detail) {
    /**
     * Validates the components.
     *
     * @param code the {@code code} component
     * @param subject the {@code subject} component
     * @param level the {@code level} component
     * @param severity the {@code severity} component
     * @param before the {@code before} component
     * @param detail the {@code detail} component
     */
    public Condition {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * A change seen.
   *
   * @param code a notice code
   * @param subject what changed
   * @param before the old state
   * @param after the new state
   */
  public record Notice(AlertCode code, String subject, String before, String after) {
    /**
     * Validates the components.
     *
     * @param code the {@code code} component
     * @param subject the {@code subject} component
     * @param before the {@code before} component
     * @param after the {@code after} component
     */
    public Notice {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
    }
  }

  /**
   * The result.
   *
   * @param conditions what holds now
   * @param notices the changes seen
   * @param carriedCodes codes whose open alerts could not be re-evaluated
   * @param carriedHosts MX hosts whose per-host alerts could not be re-evaluated
   */
  public record Result(List<Condition> conditions, List<Notice> notices, Set<AlertCode> carriedCodes,
      Set<String> carriedHosts) {
    /**
     * Copies the collections.
     *
     * @param conditions the {@code conditions} component
     * @param notices the {@code notices} component
     * @param carriedCodes the {@code carriedCodes} component
     * @param carriedHosts the {@code carriedHosts} component
     */
    public Result {
      conditions = List.copyOf(conditions);
      notices = List.copyOf(notices);
      carriedCodes = Set.copyOf(carriedCodes);
      carriedHosts = Set.copyOf(carriedHosts);
    }

    /**
     * Tells whether an open alert is kept because its evidence is missing this time.
     *
     * @param open the open alert
     * @return {@code true} to keep it as it is
     */
    public boolean carries(DomainState.OpenAlert open) {
      return carriedCodes.contains(open.code()) || MX_HOST.contains(open.code()) && carriedHosts.contains(open.subject());
    }
  }

  /**
   * Evaluates a check.
   *
   * @param state the domain's state, updated
   * @param report the check, or {@code null} when it failed or missed its deadline
   * @param counts the report counts, or {@code null} when no source is configured
   * @param countsFailed whether the configured source failed (its alerts are then kept)
   * @param settings the thresholds
   * @param now the time of the check
   * @return the conditions, notices and what is kept
   */
  public static Result evaluate(DomainState state, @Nullable CheckReport report, @Nullable List<DailyReportCounts> counts,
      boolean countsFailed, Settings settings, Instant now) {
    Evaluation e = new Evaluation(state, settings, now);
    if (report == null) {
      e.incomplete("the check did not complete in time");
      e.carriedCodes.addAll(EnumSet.complementOf(EnumSet.of(AlertCode.CHECK_INCOMPLETE)));
    } else {
      e.run(report, counts, countsFailed);
    }
    return new Result(new ArrayList<>(e.current.values()), e.notices, e.carriedCodes, e.carriedHosts);
  }

  /**
   * Returns the first UTC day whose reports a round of this domain needs.
   *
   * @param state the domain's state
   * @param settings the thresholds
   * @param now the time of the check
   * @return the day
   */
  public static LocalDate firstReportDay(DomainState state, Settings settings, Instant now) {
    LocalDate last = lastReportDay(now);
    LocalDate from = last.minusDays(settings.spikeRule().windowDays());
    if (state.testingSince != null) {
      LocalDate t = day(state.testingSince);
      from = t.isBefore(from) ? t : from;
    }
    LocalDate earliest = last.minusDays(MAX_REPORT_DAYS);
    return from.isBefore(earliest) ? earliest : from;
  }

  /**
   * Returns the last complete UTC day before {@code now}: the day reports are judged on.
   *
   * @param now the time of the check
   * @return yesterday in UTC
   */
  public static LocalDate lastReportDay(Instant now) {
    return day(now).minusDays(1);
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  private void add(AlertCode code, String subject, String detail) {
    add(code, subject, "", code.defaultSeverity(), null, detail);
  }

  private void add(AlertCode code, String subject, String level, Severity severity, @Nullable String before,
      String detail) {
    current.putIfAbsent(DomainState.key(code, subject), new Condition(code, subject, level, severity, before, detail));
  }

  private void incomplete(String why) {
    state.incompleteChecks++;
    if (state.incompleteChecks >= settings.failuresBeforeAlert()) {
      add(AlertCode.CHECK_INCOMPLETE, domain.name(), state.incompleteChecks + " consecutive checks incomplete; last: "
          + why);
    }
  }

  private void run(CheckReport r, @Nullable List<DailyReportCounts> counts, boolean countsFailed) {
    boolean stsFailed = r.lookupFailed(CheckReport.Lookup.STS_RECORD);
    boolean rptFailed = r.lookupFailed(CheckReport.Lookup.TLSRPT_RECORD);
    boolean mxFailed = r.lookupFailed(CheckReport.Lookup.MX);
    List<Finding> dns = r.findings(FindingCode.DNS_FAILURE);
    if (dns.isEmpty()) {
      state.incompleteChecks = 0;
    } else {
      incomplete(dns.get(0).message());
    }
    if (stsFailed) {
      carriedCodes.addAll(STS);
    } else {
      stsRecord(r);
    }
    MtaStsPolicy policy = policyHost(r);
    if (policy == null) {
      carriedCodes.addAll(NEEDS_POLICY);
    } else {
      policyContent(r, policy, mxFailed);
    }
    if (mxFailed) {
      carriedCodes.addAll(MX_ALL);
    } else {
      mxHosts(r);
    }
    if (rptFailed) {
      carriedCodes.addAll(TLSRPT);
    } else {
      tlsRpt(r);
    }
    if (countsFailed) {
      carriedCodes.addAll(REPORTS);
    } else if (counts != null) {
      reports(policy, counts);
    }
  }

  private void stsRecord(CheckReport r) {
    String subject = domain.stsRecordName();
    first(r, FindingCode.STS_RECORD_MISSING, AlertCode.STS_RECORD_GONE, subject);
    first(r, FindingCode.STS_RECORD_INVALID, AlertCode.STS_RECORD_INVALID, subject);
    first(r, FindingCode.STS_RECORD_MULTIPLE, AlertCode.STS_RECORD_MULTIPLE, subject);
  }

  private void first(CheckReport r, FindingCode finding, AlertCode code, String subject) {
    List<Finding> found = r.findings(finding);
    if (!found.isEmpty()) {
      add(code, subject, found.get(0).message());
    }
  }

  /** Evaluates the fetch and the policy host's certificate; returns the policy, or null if none was read. */
  private @Nullable MtaStsPolicy policyHost(CheckReport r) {
    String host = domain.policyHost();
    CertificateSummary cert;
    if (r.fetch() instanceof PolicyFetchOutcome.Failed f) {
      cert = f.certificate();
      switch (f.reason()) {
        case INVALID_POLICY -> {
          state.policyFailures = 0;
          first(r, FindingCode.POLICY_INVALID, AlertCode.POLICY_INVALID, host);
        }
        case CERTIFICATE_EXPIRED -> {
          state.policyFailures = 0;
          add(AlertCode.POLICY_CERT_EXPIRED, host, f.message());
        }
        case CERTIFICATE_NOT_TRUSTED, CERTIFICATE_NAME_MISMATCH -> {
          state.policyFailures = 0;
          add(AlertCode.POLICY_CERT_INVALID, host, f.message());
        }
        default -> {
          carriedCodes.addAll(POLICY_HOST);
          if (f.reason() == FetchFailure.HOST_NOT_FOUND && !r.failedLookups().isEmpty()) {
            // The monitor's own DNS failed in this check too: the policy host's name not resolving
            // says nothing about the host, and CHECK_INCOMPLETE already says the picture is stale (MON-26).
            break;
          }
          state.policyFailures++;
          if (state.policyFailures >= settings.failuresBeforeAlert()) {
            add(AlertCode.POLICY_UNREACHABLE, host, state.policyFailures + " consecutive fetches of " + f.uri()
                + " failed; last: " + f.message());
          }
        }
      }
    } else {
      state.policyFailures = 0;
      cert = ((PolicyFetchOutcome.Fetched) r.fetch()).certificate();
    }
    if (cert != null) {
      DomainState.CertSeen seen = certificate(cert, host, AlertCode.POLICY_CERT_EXPIRING, AlertCode.POLICY_CERT_EXPIRED,
          AlertCode.POLICY_CERT_CHANGED, state.policyCert);
      state.policyCert = seen;
    }
    return r.policy();
  }

  /** Expiry thresholds, expiry and change of a certificate; returns what to remember of it. */
  private DomainState.CertSeen certificate(CertificateSummary cert, String subject, AlertCode expiring,
      AlertCode expired, AlertCode changed, DomainState.@Nullable CertSeen before) {
    DomainState.CertSeen seen = new DomainState.CertSeen(cert.sha256Fingerprint(), describe(cert));
    Duration left = cert.timeToExpiry(now);
    if (left.isNegative() || left.isZero()) {
      add(expired, subject, "the certificate " + seen.description() + " expired "
          + Durations.human(left.negated().truncatedTo(ChronoUnit.SECONDS)) + " ago");
    } else {
      int threshold = -1;
      for (int days : settings.expiryDays()) {
        if (left.compareTo(Duration.ofDays(days)) <= 0) {
          threshold = days;
        }
      }
      if (threshold > 0) {
        add(expiring, subject, Integer.toString(threshold),
            threshold <= settings.errorWithinDays() ? Severity.ERROR : Severity.WARNING, null,
            "the certificate " + seen.description() + " expires within " + threshold + (threshold == 1 ? " day" : " days")
                + " (in " + Durations.human(left.truncatedTo(ChronoUnit.SECONDS)) + ")");
      }
    }
    if (before != null && !before.fingerprint().equals(seen.fingerprint())) {
      notices.add(new Notice(changed, subject, before.description(), seen.description()));
    }
    return seen;
  }

  private static String describe(CertificateSummary c) {
    return "sha256 " + c.sha256Fingerprint().substring(0, Math.min(16, c.sha256Fingerprint().length())) + " for "
        + c.dnsNames() + " from " + c.issuer() + ", valid until " + c.notAfter();
  }

  private void policyContent(CheckReport r, MtaStsPolicy policy, boolean mxFailed) {
    if (policy.mode() == MtaStsMode.ENFORCE && policy.maxAge().compareTo(PolicyGenerator.ONE_WEEK) < 0) {
      add(AlertCode.MAX_AGE_SHORT, domain.name(), "mode enforce with max_age " + Durations.human(policy.maxAge()));
    }
    if (policy.mode() == MtaStsMode.TESTING) {
      if (state.testingSince == null) {
        state.testingSince = now;
      }
    } else {
      state.testingSince = null;
    }
    drift(r.policyId(), policy);
    if (mxFailed) {
      return;
    }
    boolean enforce = policy.mode() == MtaStsMode.ENFORCE;
    for (MxHostCheck m : r.mxHosts()) {
      if (Boolean.FALSE.equals(m.coveredByPolicy())) {
        add(AlertCode.MX_NOT_COVERED, m.mx().host(), "", enforce ? Severity.ERROR : Severity.WARNING, null,
            "MX host " + m.mx().host() + " matches no mx line of the policy " + policy.mx() + " (mode "
                + policy.mode().toString().toLowerCase(Locale.ROOT) + ")");
      }
    }
    if (policy.mode() != MtaStsMode.NONE) {
      for (MxPattern pattern : policy.mx()) {
        boolean used = r.mxHosts().stream().anyMatch(m -> !m.mx().isNullMx() && pattern.matches(m.mx().host()));
        if (!used) {
          add(AlertCode.MX_PATTERN_UNUSED, pattern.toString(), "the mx line " + pattern + " matches none of the MX hosts "
              + r.mxHosts().stream().map(m -> m.mx().host()).toList());
        }
      }
    }
  }

  private void drift(@Nullable String id, MtaStsPolicy policy) {
    if (id == null) {
      carriedCodes.add(AlertCode.POLICY_CHANGED_WITHOUT_NEW_ID);
      return;
    }
    String text = policy.toText();
    String beforeText = state.observedPolicy;
    if (id.equals(state.observedId) && beforeText != null && !beforeText.equals(text)) {
      state.staleId = id;
    } else if (state.staleId != null && !state.staleId.equals(id)) {
      state.staleId = null;
    }
    if (id.equals(state.staleId)) {
      add(AlertCode.POLICY_CHANGED_WITHOUT_NEW_ID, domain.stsRecordName(), "", AlertCode.POLICY_CHANGED_WITHOUT_NEW_ID
          .defaultSeverity(), beforeText == null || beforeText.equals(text) ? null : oneLine(beforeText),
          "id " + id + " still published for the policy " + oneLine(text));
    }
    state.observedId = id;
    state.observedPolicy = text;
  }

  private static String oneLine(String policyText) {
    return policyText.strip().replace("\r\n", "; ").replace("\n", "; ");
  }

  private void mxHosts(CheckReport r) {
    List<String> hosts = r.mxHosts().stream().map(m -> m.mx().host()).toList();
    if (state.mxHosts != null && !state.mxHosts.equals(hosts)) {
      notices.add(new Notice(AlertCode.MX_CHANGED, domain.name(), state.mxHosts.toString(), hosts.toString()));
    }
    state.mxHosts = hosts;
    state.mxFailures.keySet().retainAll(hosts);
    state.mxCerts.keySet().retainAll(hosts);
    for (MxHostCheck m : r.mxHosts()) {
      String host = m.mx().host();
      SmtpProbeOutcome p = m.probe();
      if (p == null) {
        carriedHosts.add(host);
      } else if (p instanceof SmtpProbeOutcome.Unreachable u) {
        carriedHosts.add(host);
        int n = state.mxFailures.merge(host, 1, Integer::sum);
        if (n >= settings.failuresBeforeAlert()) {
          add(AlertCode.MX_UNREACHABLE, host, n + " consecutive probes failed; last: " + u.message());
        }
      } else {
        state.mxFailures.remove(host);
        probe(m, p, host);
      }
    }
  }

  private void probe(MxHostCheck m, SmtpProbeOutcome p, String host) {
    if (p instanceof SmtpProbeOutcome.NoStartTls n) {
      add(AlertCode.MX_STARTTLS_GONE, host, "MX host " + host + " does not offer STARTTLS (" + n.response() + ")");
    } else if (p instanceof SmtpProbeOutcome.TlsFailed t) {
      add(AlertCode.MX_TLS_FAILED, host, "the TLS handshake with " + host + " failed: " + t.message());
    } else if (p instanceof SmtpProbeOutcome.Completed c) {
      if (m.certificateFailure() != null
          && m.certificateFailure().resultType() != TlsRptResultType.CERTIFICATE_EXPIRED) {
        add(AlertCode.MX_CERT_INVALID, host, m.certificateFailure().message());
      }
      state.mxCerts.put(host, certificate(c.leaf(), host, AlertCode.MX_CERT_EXPIRING, AlertCode.MX_CERT_EXPIRED,
          AlertCode.MX_CERT_CHANGED, state.mxCerts.get(host)));
      if (m.certificateFailure() != null
          && m.certificateFailure().resultType() == TlsRptResultType.CERTIFICATE_EXPIRED) {
        // PKIX refused the chain as out of its validity at the time of the probe, as senders do, also
        // when the leaf's end date has not passed (a leaf not yet valid, an expired intermediate):
        // the leaf's dates alone would resolve the alert while mail is still refused (MON-48). The
        // end-date detail above, naming the certificate, is kept when both hold.
        add(AlertCode.MX_CERT_EXPIRED, host, "the certificate of " + host + " is refused: "
            + m.certificateFailure().message());
      }
    }
  }

  private void tlsRpt(CheckReport r) {
    String subject = domain.tlsRptRecordName();
    TxtRecordSelection<TlsRptRecord> selection = TlsRptRecord.select(r.tlsRptRecords());
    if (selection instanceof TxtRecordSelection.Found<TlsRptRecord> found) {
      if (found.record().reportUris().isEmpty()) {
        add(AlertCode.TLSRPT_NO_USABLE_ENDPOINT, subject, "the record '" + found.text()
            + "' has no mailto: or https: reporting URI");
      }
    } else if (selection instanceof TxtRecordSelection.MultipleRecords<TlsRptRecord> m) {
      add(AlertCode.TLSRPT_NO_USABLE_ENDPOINT, subject, m.records().size()
          + " records begin with v=TLSRPTv1; reporters use none");
    } else if (selection instanceof TxtRecordSelection.InvalidRecord<TlsRptRecord> inv) {
      add(AlertCode.TLSRPT_NO_USABLE_ENDPOINT, subject, "the record '" + inv.text() + "' is invalid");
    } else {
      add(AlertCode.TLSRPT_RECORD_GONE, subject, "no v=TLSRPTv1 TXT record at " + subject);
    }
  }

  private void reports(@Nullable MtaStsPolicy policy, List<DailyReportCounts> counts) {
    Map<LocalDate, DailyReportCounts> byDay = new HashMap<>();
    for (DailyReportCounts c : counts) {
      byDay.putIfAbsent(c.day(), c);
    }
    LocalDate last = lastReportDay(now);
    Instant since = state.testingSince;
    if (policy != null && policy.mode() == MtaStsMode.TESTING && since != null
        && Duration.between(since, now).compareTo(settings.readyAfter()) >= 0) {
      long sessions = 0;
      long failures = 0;
      for (LocalDate d = day(since); !d.isAfter(last); d = d.plusDays(1)) {
        DailyReportCounts c = byDay.get(d);
        if (c != null) {
          sessions = Counts.saturatingAdd(sessions, c.sessions());
          failures = Counts.saturatingAdd(failures, c.failedSessions());
        }
      }
      if (sessions > 0 && failures == 0) {
        add(AlertCode.READY_FOR_ENFORCE, domain.name(), "mode testing since " + since + " ("
            + Durations.human(Duration.between(since, now).truncatedTo(ChronoUnit.SECONDS)) + "); the reports from " + day(since) + " to " + last
            + " count " + sessions + " sessions and no failure");
      }
    }
    spike(counts, last);
  }

  /** Judges the last complete day by the one spike rule the inbox's page and summary use too (MON-40). */
  private void spike(List<DailyReportCounts> counts, LocalDate last) {
    SpikeVerdict verdict = settings.spikeRule().judge(domain.name(), last, counts);
    if (verdict.spike()) {
      add(AlertCode.REPORT_FAILURE_SPIKE, domain.name(), verdict.describe());
    } else if (verdict.kind() == SpikeVerdict.Kind.NO_DATA) {
      // Senders report a day late: a day no report covers yet is missing evidence, not a calm day.
      // The alert is kept as it is, so an hourly monitor does not resolve and re-fire it daily (MON-30).
      carriedCodes.add(AlertCode.REPORT_FAILURE_SPIKE);
    }
  }
}
