package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PKIX validation and the DNS-ID-only name rule (FET-2, FET-3, FET-15) against real handshakes.
 * A refused certificate must abort the handshake: the server never sees a request.
 */
@Timeout(60)
class PolicyFetchCertificateIT {
  private static TestPki pki;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts certificate test root");
  }

  private static PolicyFetchOutcome.Failed refused(TestPki.Issued credential, FetchFailure reason)
      throws Exception {
    Fetches.Served served = Fetches.serve(pki, credential, PolicyHost.policy());
    PolicyFetchOutcome.Failed f = assertFailed(served.timed(), reason, "sts-webpki-invalid");
    assertThat(served.requests()).as("no request after a refused handshake").isEmpty();
    assertThat(served.sniNames()).containsExactly(HOST);
    assertThat(f.status()).isZero();
    assertThat(f.certificate()).as("the leaf is reported").isEqualTo(CertificateSummary.of(credential.certificate()));
    return f;
  }

  private static PolicyFetchOutcome.Fetched accepted(TestPki.Issued credential) throws Exception {
    PolicyFetchOutcome.Fetched f = assertFetched(Fetches.serve(pki, credential, PolicyHost.policy()).timed());
    assertThat(f.certificate()).isEqualTo(CertificateSummary.of(credential.certificate()));
    return f;
  }

  @Test
  void expiredCertificateIsRefused() throws Exception {
    // FET-2: MUST NOT be expired
    PolicyFetchOutcome.Failed f = refused(pki.leaf().dnsNames(HOST).expired().issue(),
        FetchFailure.CERTIFICATE_EXPIRED);
    assertThat(f.certificate().notAfter()).isBefore(Instant.now());
    assertThat(f.message()).contains(HOST);
  }

  @Test
  void notYetValidCertificateIsRefused() throws Exception {
    // FET-2: RFC 5280 validity
    PolicyFetchOutcome.Failed f = refused(pki.leaf().dnsNames(HOST).notYetValid().issue(),
        FetchFailure.CERTIFICATE_EXPIRED);
    assertThat(f.certificate().notBefore()).isAfter(Instant.now());
  }

  @Test
  void selfSignedCertificateIsNotTrusted() throws Exception {
    // FET-2: MUST chain to a trusted root
    refused(pki.leaf().dnsNames(HOST).selfSigned().issue(), FetchFailure.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void certificateFromAnotherRootIsNotTrusted() throws Exception {
    // FET-2
    TestPki stranger = TestPki.create("an untrusted root");
    PolicyFetchOutcome.Failed f = refused(stranger.leaf().dnsNames(HOST).issue(),
        FetchFailure.CERTIFICATE_NOT_TRUSTED);
    assertThat(f.certificate().issuer()).contains("an untrusted root");
  }

  @Test
  void certificateForAnotherHostIsAMismatch() throws Exception {
    // FET-2, FET-13: valid for mta-sts.<domain>, not for a provider's own host
    PolicyFetchOutcome.Failed f = refused(pki.leaf().dnsNames("mta-sts.provider.test",
        "example.test").issue(), FetchFailure.CERTIFICATE_NAME_MISMATCH);
    assertThat(f.certificate().dnsNames()).containsExactly("mta-sts.provider.test", "example.test");
    assertThat(f.message()).contains(HOST).contains("mta-sts.provider.test");
  }

  @Test
  void commonNameWithoutDnsIdIsAMismatch() throws Exception {
    // FET-3: no CN fallback, though the JDK's own HTTPS check would accept this certificate
    PolicyFetchOutcome.Failed f = refused(pki.leaf().commonName(HOST).issue(),
        FetchFailure.CERTIFICATE_NAME_MISMATCH);
    assertThat(f.certificate().dnsNames()).isEmpty();
    assertThat(f.certificate().subject()).contains("CN=" + HOST);
    assertThat(f.message()).contains("no DNS-ID");
  }

  @Test
  void wildcardForTheWholeLeftMostLabelIsAccepted() throws Exception {
    // FET-3
    PolicyFetchOutcome.Fetched f = accepted(pki.leaf().dnsNames("*.example.test").issue());
    assertThat(f.certificate().dnsNames()).containsExactly("*.example.test");
  }

  @Test
  void dnsIdsAreComparedCaseInsensitivelyAndAnyOfThemMayMatch() throws Exception {
    // FET-3: RFC 6125 §6.4.1
    accepted(pki.leaf().dnsNames("www.example.test", "MTA-STS.Example.TEST").issue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"*.test", "*.mta-sts.example.test", "m*.example.test", "*ts.example.test",
      "mta-sts.*.test", "*.*.test"})
  void wildcardOtherThanTheWholeLeftMostLabelOrOneLabelDeepIsAMismatch(String dnsId) throws Exception {
    // FET-3: a wildcard matches exactly one label, and only as the complete left-most label
    refused(pki.leaf().dnsNames(dnsId).issue(), FetchFailure.CERTIFICATE_NAME_MISMATCH);
  }

  @Test
  void configuredSslContextStillGetsTheDnsIdRuleAfterTheHandshake() throws Exception {
    // FET-15: the fetcher cannot wrap a caller's SSLContext's trust manager, so it applies the
    // DNS-ID rule right after the handshake: a CN-only certificate is refused before any request.
    TestPki.Issued cnOnly = pki.leaf().commonName(HOST).issue();
    try (PolicyHost host = PolicyHost.start(cnOnly, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
          .sslContext(pki.clientContext())
          .proxy(proxy.selector())
          .deadline(Fetches.DEADLINE)
          .build();
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher), FetchFailure.CERTIFICATE_NAME_MISMATCH,
          "sts-webpki-invalid");

      assertThat(f.certificate()).isEqualTo(CertificateSummary.of(cnOnly.certificate()));
      assertThat(host.requests()).as("refused before the request was sent").isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"valid", "expired", "other-host", "self-signed"})
  void configuredSslContextClassifiesTheJdksCertificateFailures(String kind) throws Exception {
    // FET-2, FET-3 with a caller's SSLContext: classified from what JSSE throws.
    TestPki.Issued credential = switch (kind) {
      case "valid" -> pki.leaf().dnsNames(HOST).issue();
      case "expired" -> pki.leaf().dnsNames(HOST).expired().issue();
      case "other-host" -> pki.leaf().dnsNames("mta-sts.provider.test").issue();
      default -> pki.leaf().dnsNames(HOST).selfSigned().issue();
    };
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder().sslContext(pki.clientContext())
          .proxy(proxy.selector()).deadline(Fetches.DEADLINE).build();
      Fetches.Timed timed = fetch(fetcher);
      switch (kind) {
        case "valid" -> assertThat(assertFetched(timed).certificate().dnsNames()).containsExactly(HOST);
        case "expired" -> assertFailed(timed, FetchFailure.CERTIFICATE_EXPIRED, "sts-webpki-invalid");
        case "other-host" -> assertFailed(timed, FetchFailure.CERTIFICATE_NAME_MISMATCH, "sts-webpki-invalid");
        default -> assertFailed(timed, FetchFailure.CERTIFICATE_NOT_TRUSTED, "sts-webpki-invalid");
      }
      assertThat(host.requests()).hasSize(kind.equals("valid") ? 1 : 0);
    }
  }
}
