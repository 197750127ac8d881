package dev.mtasts.owner;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.ParseMode;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.ParseReport;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.TxtRecordSelection;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.core.internal.Text;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.tls.TlsFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Checks a domain's MTA-STS deployment end to end, as its owner needs it: the {@code _mta-sts}
 * records, the policy fetch with every deviation, the policy host certificate, the
 * {@code _smtp._tls} record, the MX hosts against the policy in both directions, each MX host's
 * STARTTLS and certificate, mode and {@code max_age} advice, and drift between id and policy.
 *
 * <pre>{@code
 * MtaStsChecker checker = MtaStsChecker.builder()
 *     .dnsLookup(DnsjavaLookup.builder().build())
 *     .policyFetcher(HttpPolicyFetcher.builder().contentTypeMode(ContentTypeMode.WARN).build())
 *     .smtpProbe(SocketSmtpProbe.builder().build())
 *     .build();
 * CheckReport report = checker.check(PolicyDomain.of("example.com")).toCompletableFuture().join();
 * report.findings().forEach(f -> System.out.println(f.code() + ": " + f.message() + " Fix: " + f.fix()));
 * }</pre>
 *
 * <p>Every finding has a stable {@link FindingCode}, a severity, its checklist ID and a one-line
 * fix; the project's {@code docs/findings.md} lists them all.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8">RFC 8461 §8</a>
 */
public final class MtaStsChecker {
  /** Certificates expiring sooner than this are reported. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private final DnsLookup dns;
  private final PolicyFetcher fetcher;
  private final @Nullable SmtpProbe probe;
  private final InstantSource clock;

  private MtaStsChecker(Builder b) {
    this.dns = Objects.requireNonNull(b.dns, "dnsLookup is required");
    this.fetcher = Objects.requireNonNull(b.fetcher, "policyFetcher is required");
    this.probe = b.probe;
    this.clock = b.clock;
  }

  /**
   * Returns a builder; the DNS lookup and the policy fetcher are required, the SMTP probe optional.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a domain.
   *
   * @param domain the Policy Domain
   * @return the report; never completes exceptionally for DNS, HTTPS or SMTP failures
   */
  public CompletionStage<CheckReport> check(PolicyDomain domain) {
    return check(domain, null, null);
  }

  /**
   * Checks a domain, with what is known from before.
   *
   * @param domain the Policy Domain
   * @param previous the observation of an earlier check (its {@link CheckReport#observation()}),
   *     to detect a policy changed without a new id; or {@code null}
   * @param candidate the policy that should be served, to detect a deployment that did not land;
   *     or {@code null}
   * @return the report
   */
  public CompletionStage<CheckReport> check(PolicyDomain domain, PolicyDrift.@Nullable Observation previous,
      @Nullable MtaStsPolicy candidate) {
    Objects.requireNonNull(domain, "domain");
    Instant now = clock.instant();
    CompletableFuture<DnsOutcome<String>> sts = safeTxt(domain.stsRecordName());
    CompletableFuture<DnsOutcome<String>> rpt = safeTxt(domain.tlsRptRecordName());
    CompletableFuture<DnsOutcome<MxRecord>> mx = safeMx(domain.name());
    CompletableFuture<PolicyFetchOutcome> fetch = safeFetch(domain);
    return CompletableFuture.allOf(sts, rpt, mx, fetch).thenCompose(v -> {
      List<MxRecord> mxRecords = mx.join() instanceof DnsOutcome.Records<MxRecord> r
          ? r.records().stream().sorted(Comparator.comparingInt(MxRecord::preference)).toList() : List.of();
      List<CompletableFuture<@Nullable SmtpProbeOutcome>> probes = new ArrayList<>();
      for (MxRecord m : mxRecords) {
        probes.add(probe == null || m.isNullMx() ? CompletableFuture.<@Nullable SmtpProbeOutcome>completedFuture(null)
            : safeProbe(m.host()));
      }
      return CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
        List<SmtpProbeOutcome> results = new ArrayList<>();
        for (CompletableFuture<@Nullable SmtpProbeOutcome> p : probes) {
          results.add(p.join());
        }
        return new Analysis(domain, now, sts.join(), rpt.join(), mx.join(), mxRecords, results, fetch.join(),
            previous, candidate).report();
      });
    });
  }

  private CompletableFuture<DnsOutcome<String>> safeTxt(String name) {
    CompletionStage<DnsOutcome<String>> s;
    try {
      s = dns.txt(name);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    return s.toCompletableFuture().handle((o, t) -> t == null ? o
        : new DnsOutcome.TemporaryFailure<>(name, DnsFailure.NETWORK_ERROR, unexpected(t), t));
  }

  private CompletableFuture<DnsOutcome<MxRecord>> safeMx(String name) {
    CompletionStage<DnsOutcome<MxRecord>> s;
    try {
      s = dns.mx(name);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    return s.toCompletableFuture().handle((o, t) -> t == null ? o
        : new DnsOutcome.TemporaryFailure<>(name, DnsFailure.NETWORK_ERROR, unexpected(t), t));
  }

  private CompletableFuture<PolicyFetchOutcome> safeFetch(PolicyDomain domain) {
    CompletionStage<PolicyFetchOutcome> s;
    try {
      s = fetcher.fetch(domain);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    return s.toCompletableFuture().handle((o, t) -> t == null ? o
        : new PolicyFetchOutcome.Failed(domain.policyUri(), FetchFailure.IO_ERROR, unexpected(t), 0,
            Duration.ZERO, null, List.of(), t));
  }

  private CompletableFuture<@Nullable SmtpProbeOutcome> safeProbe(String host) {
    CompletionStage<SmtpProbeOutcome> s;
    try {
      s = Objects.requireNonNull(probe).probe(host);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    return s.toCompletableFuture().handle((o, t) -> t == null ? o
        : new SmtpProbeOutcome.Unreachable(host, unexpected(t)));
  }

  /**
   * Describes a failure of a DNS lookup, fetcher or probe that broke its contract by completing
   * exceptionally: its message in words, without the completion wrapper or a Java class name (APP-12).
   */
  private static String unexpected(Throwable t) {
    Throwable cause = t;
    for (int i = 0; i < 8 && cause instanceof CompletionException && cause.getCause() != null; i++) {
      cause = cause.getCause();
    }
    return "failed unexpectedly: " + Text.message(cause);
  }

  /** Turns the raw observations into findings; one instance per check. */
  private static final class Analysis {
    private final PolicyDomain domain;
    private final Instant now;
    private final DnsOutcome<String> sts;
    private final DnsOutcome<String> rpt;
    private final DnsOutcome<MxRecord> mxOutcome;
    private final List<MxRecord> mxRecords;
    private final List<SmtpProbeOutcome> probes;
    private final PolicyFetchOutcome fetch;
    private final PolicyDrift.@Nullable Observation previous;
    private final @Nullable MtaStsPolicy candidate;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<CheckReport.Lookup> failedLookups = EnumSet.noneOf(CheckReport.Lookup.class);
    private @Nullable String policyId;
    private @Nullable MtaStsPolicy policy;

    Analysis(PolicyDomain domain, Instant now, DnsOutcome<String> sts, DnsOutcome<String> rpt,
        DnsOutcome<MxRecord> mxOutcome, List<MxRecord> mxRecords, List<SmtpProbeOutcome> probes,
        PolicyFetchOutcome fetch, PolicyDrift.@Nullable Observation previous, @Nullable MtaStsPolicy candidate) {
      this.domain = domain;
      this.now = now;
      this.sts = sts;
      this.rpt = rpt;
      this.mxOutcome = mxOutcome;
      this.mxRecords = mxRecords;
      this.probes = probes;
      this.fetch = fetch;
      this.previous = previous;
      this.candidate = candidate;
    }

    CheckReport report() {
      stsRecord();
      policyFetch();
      policyContent();
      tlsRpt();
      List<MxHostCheck> hosts = mxHosts();
      drift();
      findings.replaceAll(f -> f.forDomain(domain));
      findings.sort(Comparator.comparing(Finding::severity));
      List<String> stsValues = sts instanceof DnsOutcome.Records<String> r ? r.records() : List.of();
      List<String> chain = sts instanceof DnsOutcome.Records<String> r ? r.cnameChain() : List.of();
      List<String> rptValues = rpt instanceof DnsOutcome.Records<String> r ? r.records() : List.of();
      PolicyDrift.Observation observation = policyId != null && policy != null
          ? new PolicyDrift.Observation(policyId, policy) : null;
      return new CheckReport(domain, now, stsValues, chain, policyId, fetch, policy, rptValues, hosts, findings,
          failedLookups, observation);
    }

    private void add(FindingCode code, String message) {
      findings.add(Finding.of(code, message));
    }

    private void stsRecord() {
      if (sts instanceof DnsOutcome.TemporaryFailure<String> f) {
        dnsFailure(CheckReport.Lookup.STS_RECORD, domain.stsRecordName(), f);
        return;
      }
      List<String> values = sts instanceof DnsOutcome.Records<String> r ? r.records() : List.of();
      if (sts instanceof DnsOutcome.Records<String> r && !r.cnameChain().isEmpty()) {
        add(FindingCode.STS_RECORD_DELEGATED, domain.stsRecordName() + " is a CNAME to " + r.cnameChain());
      }
      TxtRecordSelection<MtaStsRecord> selection = MtaStsRecord.select(values);
      for (String v : values) {
        if (v.startsWith("v=STSv1") && !selectionCounts(v)) {
          add(FindingCode.STS_RECORD_LOOKALIKE, "TXT record '" + v + "' looks like an STS record but does not "
              + "begin with 'v=STSv1;', so senders skip it");
        }
      }
      if (selection instanceof TxtRecordSelection.Found<MtaStsRecord> found) {
        policyId = found.record().id();
        for (ParseProblem w : found.warnings()) {
          if (w.code() == ProblemCode.STS_RECORD_SPACE_BEFORE_DELIMITER) {
            add(FindingCode.STS_RECORD_SPACE_BEFORE_DELIMITER, "record '" + found.text() + "': " + w.message());
          }
        }
      } else if (selection instanceof TxtRecordSelection.MultipleRecords<MtaStsRecord> m) {
        add(FindingCode.STS_RECORD_MULTIPLE, m.records().size() + " records begin with v=STSv1: " + m.records());
      } else if (selection instanceof TxtRecordSelection.InvalidRecord<MtaStsRecord> inv) {
        add(FindingCode.STS_RECORD_INVALID, "record '" + inv.text() + "' is invalid: " + messages(inv.problems()));
      } else {
        add(FindingCode.STS_RECORD_MISSING, "no v=STSv1 TXT record at " + domain.stsRecordName()
            + (values.isEmpty() ? "" : " (found only " + values + ")"));
      }
    }

    /** Records a failed lookup: structurally for tools, and as a finding for people. */
    private void dnsFailure(CheckReport.Lookup lookup, String what, DnsOutcome.TemporaryFailure<?> f) {
      failedLookups.add(lookup);
      add(FindingCode.DNS_FAILURE, "looking up " + what + " failed (" + f.reason() + "): " + f.message());
    }

    private static boolean selectionCounts(String v) {
      return MtaStsRecord.select(List.of(v)) instanceof TxtRecordSelection.Found<MtaStsRecord>
          || MtaStsRecord.select(List.of(v)) instanceof TxtRecordSelection.InvalidRecord<MtaStsRecord>;
    }

    private void policyFetch() {
      if (fetch instanceof PolicyFetchOutcome.Failed f) {
        FindingCode code = switch (f.reason()) {
          case HOST_NOT_FOUND, CONNECT_FAILED, TIMEOUT, IO_ERROR -> FindingCode.POLICY_UNREACHABLE;
          case TLS_HANDSHAKE_FAILED -> FindingCode.POLICY_TLS_FAILED;
          case CERTIFICATE_NOT_TRUSTED -> FindingCode.POLICY_CERT_NOT_TRUSTED;
          case CERTIFICATE_EXPIRED -> FindingCode.POLICY_CERT_EXPIRED;
          case CERTIFICATE_NAME_MISMATCH -> FindingCode.POLICY_CERT_NAME_MISMATCH;
          case REDIRECT -> FindingCode.POLICY_REDIRECT;
          case HTTP_STATUS -> FindingCode.POLICY_HTTP_STATUS;
          case CONTENT_TYPE -> FindingCode.POLICY_CONTENT_TYPE;
          case BODY_TOO_LARGE -> FindingCode.POLICY_TOO_LARGE;
          case INVALID_POLICY -> FindingCode.POLICY_INVALID;
        };
        if (f.reason() == FetchFailure.INVALID_POLICY) {
          if (f.problems().stream().anyMatch(p -> p.code() == ProblemCode.POLICY_MAX_AGE_TOO_LARGE)) {
            add(FindingCode.POLICY_MAX_AGE_OVER_LIMIT, "the policy's max_age is above 31557600: "
                + messages(f.problems().stream().filter(p -> p.code() == ProblemCode.POLICY_MAX_AGE_TOO_LARGE).toList()));
          }
          add(code, "the policy at " + f.uri() + " is invalid: " + messages(f.problems()));
        } else {
          add(code, "fetching " + f.uri() + " failed: " + f.message());
        }
        certificateExpiry(f.certificate(), FindingCode.POLICY_CERT_EXPIRES_SOON, domain.policyHost());
        return;
      }
      PolicyFetchOutcome.Fetched ok = (PolicyFetchOutcome.Fetched) fetch;
      policy = ok.policy();
      String type = ok.contentType().toLowerCase(Locale.ROOT);
      if (!type.startsWith("text/plain")) {
        add(FindingCode.POLICY_CONTENT_TYPE, "the policy is served as '" + ok.contentType() + "', not text/plain");
      }
      ParseReport<MtaStsPolicy> strict = MtaStsPolicy.lint(ok.body(), ParseMode.STRICT);
      if (!strict.isValid()) {
        add(FindingCode.POLICY_LENIENT_ONLY, "lenient senders accept the policy but strict ones reject it: "
            + messages(strict.errors()));
      }
      if (strict.problems().stream().anyMatch(p -> p.code() == ProblemCode.POLICY_MIXED_LINE_ENDINGS)) {
        add(FindingCode.POLICY_MIXED_LINE_ENDINGS, "the policy file mixes LF and CRLF line endings");
      }
      certificateExpiry(ok.certificate(), FindingCode.POLICY_CERT_EXPIRES_SOON, domain.policyHost());
    }

    private void certificateExpiry(@Nullable CertificateSummary cert, FindingCode code, String host) {
      if (cert == null) {
        return;
      }
      Duration left = cert.timeToExpiry(now);
      if (!left.isNegative() && left.compareTo(EXPIRY_WARNING) < 0) {
        add(code, "the certificate of " + host + " expires in " + left.toDays() + " days (" + cert.notAfter() + ")");
      }
    }

    private void policyContent() {
      MtaStsPolicy p = policy;
      if (p == null) {
        return;
      }
      if (p.mode() == MtaStsMode.TESTING) {
        add(FindingCode.MODE_TESTING, "mode testing: senders report failures but deliver anyway");
      } else if (p.mode() == MtaStsMode.NONE) {
        add(FindingCode.MODE_NONE, "mode none: the domain opts out of MTA-STS");
      } else if (p.maxAge().compareTo(PolicyGenerator.ONE_WEEK) < 0) {
        add(FindingCode.MAX_AGE_SHORT, "max_age " + p.maxAgeSeconds() + " is under one week under mode enforce");
      }
      for (MxPattern pattern : p.mx()) {
        PolicyGenerator.broadWildcard(domain, pattern).ifPresent(findings::add);
      }
    }

    private void tlsRpt() {
      if (rpt instanceof DnsOutcome.TemporaryFailure<String> f) {
        dnsFailure(CheckReport.Lookup.TLSRPT_RECORD, domain.tlsRptRecordName(), f);
        return;
      }
      List<String> values = rpt instanceof DnsOutcome.Records<String> r ? r.records() : List.of();
      TxtRecordSelection<TlsRptRecord> selection = TlsRptRecord.select(values);
      if (selection instanceof TxtRecordSelection.Found<TlsRptRecord> found) {
        for (ParseProblem w : found.warnings()) {
          if (w.code() == ProblemCode.TLSRPT_RECORD_UNSUPPORTED_SCHEME) {
            add(FindingCode.TLSRPT_UNSUPPORTED_URI, w.message());
          }
        }
      } else if (selection instanceof TxtRecordSelection.MultipleRecords<TlsRptRecord> m) {
        add(FindingCode.TLSRPT_INVALID, m.records().size() + " records begin with v=TLSRPTv1; reporters use none");
      } else if (selection instanceof TxtRecordSelection.InvalidRecord<TlsRptRecord> inv) {
        add(FindingCode.TLSRPT_INVALID, "record '" + inv.text() + "' is invalid: " + messages(inv.problems()));
      } else {
        add(FindingCode.TLSRPT_MISSING, "no v=TLSRPTv1 TXT record at " + domain.tlsRptRecordName());
      }
    }

    private List<MxHostCheck> mxHosts() {
      if (mxOutcome instanceof DnsOutcome.TemporaryFailure<MxRecord> f) {
        dnsFailure(CheckReport.Lookup.MX, "the MX records of " + domain, f);
        return List.of();
      }
      MtaStsPolicy p = policy;
      boolean applies = p != null && p.mode() != MtaStsMode.NONE;
      List<MxRecord> records = mxRecords;
      if (records.isEmpty()) {
        add(FindingCode.MX_IMPLICIT, domain + " has no MX records; senders deliver to " + domain + " itself");
        records = List.of(new MxRecord(0, domain.name()));
      }
      List<MxHostCheck> out = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        MxRecord m = records.get(i);
        // No policy: nothing to match, which is not the same as "covered" (MXM-13).
        Boolean covered = p == null ? null : m.isNullMx() || !applies || p.matches(m.host());
        if (m.isNullMx()) {
          out.add(new MxHostCheck(m, covered, null, null));
          continue;
        }
        if (Boolean.FALSE.equals(covered) && p != null) {
          findings.add(new Finding(FindingCode.MX_NOT_COVERED,
              p.mode() == MtaStsMode.ENFORCE ? Severity.ERROR : Severity.WARNING,
              "MX host " + m.host() + " matches no mx pattern of the policy " + p.mx()
                  + (p.mode() == MtaStsMode.ENFORCE ? "; enforcing senders will not deliver to it" : "")));
        }
        SmtpProbeOutcome probe = i < probes.size() ? probes.get(i) : null;
        TlsFailure verdict = probe == null ? null : probeFindings(probe);
        out.add(new MxHostCheck(m, covered, probe, verdict));
      }
      if (applies && p != null) {
        for (MxPattern pattern : p.mx()) {
          boolean used = records.stream().anyMatch(m -> !m.isNullMx() && pattern.matches(m.host()));
          if (!used) {
            add(FindingCode.POLICY_MX_UNUSED, "mx pattern '" + pattern + "' matches none of the MX hosts "
                + records.stream().map(MxRecord::host).toList());
          }
        }
      }
      return out;
    }

    /** Adds the probe's findings; returns the certificate verdict, or null when it passes or is absent. */
    private @Nullable TlsFailure probeFindings(SmtpProbeOutcome probe) {
      String host = probe.host();
      if (probe instanceof SmtpProbeOutcome.Unreachable u) {
        add(FindingCode.MX_UNREACHABLE, "MX host " + host + " could not be reached: " + u.message());
      } else if (probe instanceof SmtpProbeOutcome.NoStartTls n) {
        add(FindingCode.MX_NO_STARTTLS, "MX host " + host + " does not offer STARTTLS (" + n.response() + ")");
      } else if (probe instanceof SmtpProbeOutcome.TlsFailed t) {
        add(FindingCode.MX_TLS_FAILED, "the TLS handshake with MX host " + host + " failed: " + t.message());
      } else if (probe instanceof SmtpProbeOutcome.Completed c) {
        TlsFailure verdict = c.pkixFailure();
        if (c.pkixFailure() != null) {
          FindingCode code = c.pkixFailure().resultType() == TlsRptResultType.CERTIFICATE_EXPIRED
              ? FindingCode.MX_CERT_EXPIRED : FindingCode.MX_CERT_NOT_TRUSTED;
          add(code, "the certificate of MX host " + host + ": " + c.pkixFailure().message());
        }
        boolean nameOk = c.leaf().dnsNames().stream().anyMatch(n -> CertificateNames.nameMatches(n, host));
        if (!nameOk) {
          String names = c.leaf().dnsNames().isEmpty() ? "it has no DNS subject alternative name (" + c.leaf().subject()
              + "; the CN is not used)" : "it names " + c.leaf().dnsNames();
          add(FindingCode.MX_CERT_NAME_MISMATCH, "the certificate of MX host " + host + " is not valid for that name: "
              + names);
          if (verdict == null) {
            verdict = new TlsFailure(TlsRptResultType.CERTIFICATE_HOST_MISMATCH, TlsFailure.HOSTNAME_MISMATCH,
                "the certificate is not valid for " + host + ": " + names);
          }
        }
        certificateExpiry(c.leaf(), FindingCode.MX_CERT_EXPIRES_SOON, host);
        return verdict;
      }
      return null;
    }

    private void drift() {
      MtaStsPolicy p = policy;
      if (p == null || policyId == null) {
        return;
      }
      PolicyDrift.Observation current = new PolicyDrift.Observation(policyId, p);
      if (previous != null && previous.id().equals(policyId) && !previous.policy().equals(p)) {
        add(FindingCode.POLICY_CHANGED_ID_NOT_BUMPED, "the policy changed since the last check but the id is still "
            + policyId + "; senders that cached the old policy keep using it");
      } else if (previous == null && PolicyDrift.check(current) == PolicyDrift.Status.POLICY_CHANGED_ID_NOT_BUMPED) {
        add(FindingCode.POLICY_CHANGED_ID_NOT_BUMPED, "the id " + policyId + " was derived from another policy "
            + "(content id " + PolicyIds.contentId(p) + "): the policy changed without a new id");
      } else if (previous != null && PolicyDrift.compare(previous, current) == PolicyDrift.Status.ID_BUMPED_POLICY_IDENTICAL) {
        add(FindingCode.ID_BUMPED_POLICY_IDENTICAL, "the id changed from " + previous.id() + " to " + policyId
            + " but the policy did not");
      }
      if (candidate != null && PolicyDrift.servedMatchesCandidate(current, candidate)
          == PolicyDrift.Status.SERVED_DIFFERS_FROM_CANDIDATE) {
        add(FindingCode.SERVED_DIFFERS_FROM_CANDIDATE, "the policy served differs from the candidate: served "
            + p + ", candidate " + candidate);
      }
    }

    private static String messages(List<ParseProblem> problems) {
      List<String> out = new ArrayList<>();
      for (ParseProblem p : problems) {
        out.add((p.line() > 0 ? "line " + p.line() + ": " : "") + p.message() + " [" + p.code() + "]");
      }
      return String.join("; ", out);
    }
  }

  /**
   * Configures a checker.
   */
  public static final class Builder {
    private @Nullable DnsLookup dns;
    private @Nullable PolicyFetcher fetcher;
    private @Nullable SmtpProbe probe;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /**
     * Sets the DNS lookup (required).
     *
     * @param dns the lookup
     * @return this builder
     */
    public Builder dnsLookup(DnsLookup dns) {
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Sets the policy fetcher (required). A fetcher that only warns about a wrong content type
     * lets the checker read and check the body anyway.
     *
     * @param fetcher the fetcher
     * @return this builder
     */
    public Builder policyFetcher(PolicyFetcher fetcher) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /**
     * Sets the SMTP probe; without one, MX hosts are not contacted.
     *
     * @param probe the probe
     * @return this builder
     */
    public Builder smtpProbe(SmtpProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Sets the clock used for certificate expiry; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the checker.
     *
     * @return the checker
     * @throws NullPointerException if the DNS lookup or the fetcher is missing
     */
    public MtaStsChecker build() {
      return new MtaStsChecker(this);
    }
  }
}
