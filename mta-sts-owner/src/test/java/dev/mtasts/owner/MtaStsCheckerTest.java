package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import java.net.InetAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The checker's findings, scenario by scenario, with fakes; CheckerIT does the same against real servers. */
class MtaStsCheckerTest {
  static final String DOMAIN = "example.com";
  static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n";

  final FakeDnsLookup dns = FakeDnsLookup.create();
  final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
  final Map<String, SmtpProbeOutcome> probes = new ConcurrentHashMap<>();

  MtaStsCheckerTest() {
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=20260301");
    dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
    dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx2.example.com"));
    fetcher.serve(DOMAIN, POLICY);
    probes.put("mx1.example.com", good("mx1.example.com"));
    probes.put("mx2.example.com", good("mx2.example.com"));
  }

  static CertificateSummary cert(List<String> names, Instant notAfter) {
    return new CertificateSummary("CN=x", "CN=Test CA", names, NOW.minus(Duration.ofDays(30)), notAfter, "00");
  }

  static SmtpProbeOutcome good(String host) {
    return new SmtpProbeOutcome.Completed(host, "TLSv1.3", List.of(cert(List.of(host), NOW.plus(Duration.ofDays(60)))), null);
  }

  CheckReport check() {
    return check(null);
  }

  CheckReport check(PolicyDrift.Observation previous) {
    MtaStsChecker checker = MtaStsChecker.builder().dnsLookup(dns).policyFetcher(fetcher)
        .smtpProbe(host -> CompletableFuture.completedStage(probes.getOrDefault(host,
            new SmtpProbeOutcome.Unreachable(host, "connection refused"))))
        .clock(ManualClock.at(NOW)).build();
    return checker.check(PolicyDomain.of(DOMAIN), previous, null).toCompletableFuture().join();
  }

  static List<FindingCode> codes(CheckReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void aCleanDomainHasNoErrorsOrWarnings() {
    CheckReport r = check();
    assertThat(r.findings()).filteredOn(f -> f.severity() != Severity.INFO).isEmpty();
    assertThat(r.hasErrors()).isFalse();
    assertThat(r.policyId()).isEqualTo("20260301");
    assertThat(r.policy()).isNotNull();
    assertThat(r.mxHosts()).extracting(MxHostCheck::coveredByPolicy).containsExactly(true, true);
    assertThat(r.observation()).isNotNull();
  }

  @Test
  void everyFindingCarriesItsChecklistIdAndAFix() {
    dns.removeTxt("_mta-sts.example.com");
    CheckReport r = check();
    assertThat(r.findings()).isNotEmpty().allSatisfy(f -> {
      assertThat(f.checklistId()).matches("[A-Z]{3}-\\d+");
      assertThat(f.fix()).isNotBlank();
    });
  }

  @Test
  void severalStsRecordsAreAnError() {
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1", "v=STSv1; id=2");
    assertThat(codes(check())).contains(FindingCode.STS_RECORD_MULTIPLE);
  }

  @Test
  void missingInvalidAndLookalikeRecordsAreReported() {
    dns.putTxt("_mta-sts.example.com", "v=STSv1 id=1");
    assertThat(codes(check())).contains(FindingCode.STS_RECORD_MISSING, FindingCode.STS_RECORD_LOOKALIKE);
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=not-valid");
    assertThat(codes(check())).contains(FindingCode.STS_RECORD_INVALID);
    dns.putTxt("_mta-sts.example.com", "v=STSv1 ; id=1");
    assertThat(codes(check())).contains(FindingCode.STS_RECORD_SPACE_BEFORE_DELIMITER);
    dns.failTxt("_mta-sts.example.com", DnsFailure.SERVFAIL);
    assertThat(codes(check())).contains(FindingCode.DNS_FAILURE);
  }

  @Test
  @DisplayName("MON-42: each failed DNS lookup is named in failedLookups, one name failing at a time")
  void eachFailedLookupIsReportedStructurally() {
    CheckReport healthy = check();
    assertThat(healthy.failedLookups()).isEmpty();
    assertThat(healthy.lookupFailed(CheckReport.Lookup.MX)).isFalse();
    for (CheckReport.Lookup lookup : CheckReport.Lookup.values()) {
      MtaStsCheckerTest fresh = new MtaStsCheckerTest();
      fresh.failOnly(lookup);
      CheckReport r = fresh.check();
      assertThat(r.failedLookups()).as("%s", lookup).containsExactly(lookup);
      assertThat(r.lookupFailed(lookup)).isTrue();
      assertThat(codes(r)).containsOnlyOnce(FindingCode.DNS_FAILURE);
    }
    dns.failTxt("_mta-sts.example.com", DnsFailure.SERVFAIL).failTxt("_smtp._tls.example.com", DnsFailure.TIMEOUT)
        .failMx(DOMAIN, DnsFailure.TIMEOUT);
    assertThat(check().failedLookups()).containsExactly(CheckReport.Lookup.values());
  }

  /** Makes one of the checker's lookups fail in this instance's fake DNS. */
  private void failOnly(CheckReport.Lookup lookup) {
    switch (lookup) {
      case STS_RECORD -> dns.failTxt("_mta-sts.example.com", DnsFailure.SERVFAIL);
      case TLSRPT_RECORD -> dns.failTxt("_smtp._tls.example.com", DnsFailure.TIMEOUT);
      case MX -> dns.failMx(DOMAIN, DnsFailure.NETWORK_ERROR);
    }
  }

  @Test
  @DisplayName("MON-42: a report's failed lookups are copied, need a DNS_FAILURE finding, and hold no null")
  void failedLookupsAreValidated() {
    CheckReport r = check();
    Set<CheckReport.Lookup> mutable = new HashSet<>(Set.of(CheckReport.Lookup.MX));
    assertThatThrownBy(() -> new CheckReport(r.domain(), r.checkedAt(), r.stsRecords(),
        r.stsCnameChain(), r.policyId(), r.fetch(), r.policy(), r.tlsRptRecords(), r.mxHosts(), r.findings(), mutable,
        r.observation())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS_FAILURE");
    List<Finding> withFailure = new ArrayList<>(r.findings());
    withFailure.add(Finding.of(FindingCode.DNS_FAILURE, "whatever the words"));
    CheckReport copy = new CheckReport(r.domain(), r.checkedAt(), r.stsRecords(), r.stsCnameChain(), r.policyId(),
        r.fetch(), r.policy(), r.tlsRptRecords(), r.mxHosts(), withFailure, mutable, r.observation());
    mutable.add(CheckReport.Lookup.STS_RECORD);
    assertThat(copy.failedLookups()).containsExactly(CheckReport.Lookup.MX);
    assertThatThrownBy(() -> copy.failedLookups().add(CheckReport.Lookup.STS_RECORD))
        .isInstanceOf(UnsupportedOperationException.class);
    List<CheckReport.Lookup> withNull = Arrays.asList(CheckReport.Lookup.MX, null);
    assertThatThrownBy(() -> new CheckReport(r.domain(), r.checkedAt(),
        r.stsRecords(), r.stsCnameChain(), r.policyId(), r.fetch(), r.policy(), r.tlsRptRecords(), r.mxHosts(),
        withFailure, new HashSet<>(withNull), r.observation())).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPolicyChangedWithoutANewIdIsCaught() {
    // CAC-13: against the previous check, and against a content id.
    CheckReport first = check();
    fetcher.serve(DOMAIN, POLICY.replace("mx2.example.com", "mx3.example.com"));
    assertThat(codes(check(first.observation()))).contains(FindingCode.POLICY_CHANGED_ID_NOT_BUMPED);
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=" + PolicyIds.contentId(first.policy()));
    assertThat(codes(check())).contains(FindingCode.POLICY_CHANGED_ID_NOT_BUMPED);
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=20260302");
    fetcher.serve(DOMAIN, POLICY);
    assertThat(codes(check(first.observation()))).contains(FindingCode.ID_BUMPED_POLICY_IDENTICAL)
        .doesNotContain(FindingCode.POLICY_CHANGED_ID_NOT_BUMPED);
  }

  @Test
  void fetchFailuresMapToTheirOwnCodes() {
    Map<FetchFailure, FindingCode> expected = Map.of(
        FetchFailure.REDIRECT, FindingCode.POLICY_REDIRECT,
        FetchFailure.HTTP_STATUS, FindingCode.POLICY_HTTP_STATUS,
        FetchFailure.CONTENT_TYPE, FindingCode.POLICY_CONTENT_TYPE,
        FetchFailure.BODY_TOO_LARGE, FindingCode.POLICY_TOO_LARGE,
        FetchFailure.TIMEOUT, FindingCode.POLICY_UNREACHABLE,
        FetchFailure.CERTIFICATE_EXPIRED, FindingCode.POLICY_CERT_EXPIRED,
        FetchFailure.CERTIFICATE_NAME_MISMATCH, FindingCode.POLICY_CERT_NAME_MISMATCH,
        FetchFailure.CERTIFICATE_NOT_TRUSTED, FindingCode.POLICY_CERT_NOT_TRUSTED,
        FetchFailure.TLS_HANDSHAKE_FAILED, FindingCode.POLICY_TLS_FAILED);
    expected.forEach((failure, code) -> {
      fetcher.fail(DOMAIN, failure);
      assertThat(codes(check())).as(failure.name()).contains(code);
    });
  }

  @Test
  void aWrongContentTypeServedAnywayIsReported() {
    fetcher.serve(DOMAIN, POLICY, "text/html; charset=utf-8");
    assertThat(codes(check())).contains(FindingCode.POLICY_CONTENT_TYPE);
  }

  @Test
  void maxAgeOverTheLimitHasItsOwnCode() {
    fetcher.serve(DOMAIN, POLICY.replace("604800", "99999999"));
    assertThat(codes(check())).contains(FindingCode.POLICY_MAX_AGE_OVER_LIMIT, FindingCode.POLICY_INVALID);
  }

  @Test
  void aPolicyOnlyLenientSendersAcceptIsAWarning() {
    fetcher.serve(DOMAIN, "\uFEFF" + POLICY + "\n");
    CheckReport r = check();
    assertThat(r.findings(FindingCode.POLICY_LENIENT_ONLY)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("POLICY_BOM").contains("POLICY_BLANK_LINE"));
  }

  @Test
  void mxHostsAreCheckedAgainstThePolicyInBothDirections() {
    dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(30, "backup.other.example"));
    CheckReport r = check();
    assertThat(r.findings(FindingCode.MX_NOT_COVERED)).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.ERROR);
      assertThat(f.message()).contains("backup.other.example");
    });
    assertThat(r.findings(FindingCode.POLICY_MX_UNUSED)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("mx2.example.com"));
    fetcher.serve(DOMAIN, POLICY.replace("enforce", "testing"));
    assertThat(check().findings(FindingCode.MX_NOT_COVERED)).singleElement()
        .extracting(Finding::severity).isEqualTo(Severity.WARNING);
  }

  @Test
  void mxProbeFailuresHaveTheirOwnCodes() {
    probes.put("mx1.example.com", new SmtpProbeOutcome.NoStartTls("mx1.example.com", "250 mx1 (no STARTTLS)"));
    probes.put("mx2.example.com", new SmtpProbeOutcome.Completed("mx2.example.com", "TLSv1.2",
        List.of(cert(List.of(), NOW.minusSeconds(1))),
        new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED", "expired")));
    assertThat(codes(check())).contains(FindingCode.MX_NO_STARTTLS, FindingCode.MX_CERT_EXPIRED,
        FindingCode.MX_CERT_NAME_MISMATCH);
    probes.put("mx1.example.com", new SmtpProbeOutcome.Completed("mx1.example.com", "TLSv1.3",
        List.of(cert(List.of("mx1.example.com"), NOW.plus(Duration.ofDays(3)))), null));
    probes.remove("mx2.example.com");
    assertThat(codes(check())).contains(FindingCode.MX_CERT_EXPIRES_SOON, FindingCode.MX_UNREACHABLE);
  }

  @Test
  void modeAndMaxAgeAdvice() {
    fetcher.serve(DOMAIN, POLICY.replace("604800", "86400"));
    assertThat(codes(check())).contains(FindingCode.MAX_AGE_SHORT);
    fetcher.serve(DOMAIN, POLICY.replace("enforce", "testing"));
    assertThat(codes(check())).contains(FindingCode.MODE_TESTING).doesNotContain(FindingCode.MAX_AGE_SHORT);
  }

  @Test
  void tlsRptProblemsAreReported() {
    dns.removeTxt("_smtp._tls.example.com");
    assertThat(codes(check())).contains(FindingCode.TLSRPT_MISSING);
    dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:");
    assertThat(codes(check())).contains(FindingCode.TLSRPT_INVALID);
    dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=ftp://reports.example.com/");
    assertThat(codes(check())).contains(FindingCode.TLSRPT_UNSUPPORTED_URI);
  }

  @Test
  void findingsAreSortedErrorsFirst() {
    dns.putMx(DOMAIN, new MxRecord(10, "elsewhere.example"));
    fetcher.serve(DOMAIN, POLICY.replace("enforce", "testing").replace("604800", "86400"));
    dns.removeTxt("_smtp._tls.example.com");
    List<Severity> severities = check().findings().stream().map(Finding::severity).toList();
    assertThat(severities).isSorted();
  }

  @Test
  @DisplayName("MXM-13: with no policy fetched, an MX host is not 'covered': there is nothing to match")
  void withNoPolicyTheMxHostsHaveNothingToMatch() {
    fetcher.fail(DOMAIN, FetchFailure.HOST_NOT_FOUND);
    assertThat(check().mxHosts()).extracting(MxHostCheck::coveredByPolicy).containsExactly(null, null);
    fetcher.serve(DOMAIN, POLICY.replace("mx: mx2.example.com\n", ""));
    assertThat(check().mxHosts()).extracting(MxHostCheck::coveredByPolicy).containsExactly(true, false);
  }

  @Test
  @DisplayName("MXM-13: a trusted certificate for another name is the MX host's verdict, not only a finding")
  void aCertificateForAnotherNameIsTheHostsVerdict() {
    probes.put("mx2.example.com", new SmtpProbeOutcome.Completed("mx2.example.com", "TLSv1.3",
        List.of(cert(List.of("other.example.com"), NOW.plus(Duration.ofDays(60)))), null));
    List<MxHostCheck> hosts = check().mxHosts();
    assertThat(hosts.get(0).certificateFailure()).isNull();
    TlsFailure verdict = hosts.get(1).certificateFailure();
    assertThat(verdict).isNotNull();
    assertThat(verdict.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(verdict.reasonCode()).isEqualTo(TlsFailure.HOSTNAME_MISMATCH);
    assertThat(verdict.message()).isEqualTo("the certificate is not valid for mx2.example.com: it names [other.example.com]");
  }

  @Test
  @DisplayName("APP-12: fixes name the real domain, never a <domain> placeholder")
  void fixesNameTheRealDomain() {
    dns.removeTxt("_mta-sts.example.com");
    fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    CheckReport r = check();
    assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.STS_RECORD_MISSING).singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("at _mta-sts.example.com."));
    assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.POLICY_UNREACHABLE).singleElement()
        .satisfies(f -> assertThat(f.fix()).contains("https://mta-sts.example.com/"));
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.fix()).doesNotContain("<domain>"));
  }

  @Test
  @DisplayName("APP-12: a lookup, fetcher or probe that fails with an exception is reported in words, not Java class names")
  void brokenCollaboratorsAreReportedWithoutJavaClassNames() {
    CompletionException broken = new CompletionException(new NumberFormatException("For input string: \"x\""));
    DnsLookup throwing = new DnsLookup() {
      @Override
      public CompletionStage<DnsOutcome<String>> txt(String name) {
        return CompletableFuture.failedStage(broken);
      }

      @Override
      public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
        return dns.mx(name);
      }

      @Override
      public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
        return dns.addresses(host);
      }
    };
    CheckReport r = MtaStsChecker.builder().dnsLookup(throwing)
        .policyFetcher(d -> CompletableFuture.failedStage(broken))
        .smtpProbe(host -> CompletableFuture.failedStage(broken))
        .clock(ManualClock.at(NOW)).build()
        .check(PolicyDomain.of(DOMAIN)).toCompletableFuture().join();
    assertThat(r.findings()).isNotEmpty().allSatisfy(f -> assertThat(f.message()).doesNotContain("Exception", "java."));
    assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.DNS_FAILURE).first()
        .satisfies(f -> assertThat(f.message()).isEqualTo("looking up _mta-sts.example.com failed (NETWORK_ERROR): "
            + "failed unexpectedly: For input string: \"x\""));
    assertThat(r.mxHosts()).allSatisfy(m -> assertThat(m.probe()).isEqualTo(new SmtpProbeOutcome.Unreachable(
        m.mx().host(), "failed unexpectedly: For input string: \"x\"")));
  }
}
