package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.ROOMY_DEADLINE;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.RotatingKeyManager;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FET-40, FET-41: one fetcher, one policy host on one port, its certificate replaced between two
 * fetches. Every fetch does a full handshake (no TLS session resumed from the fetch before, in
 * TLS 1.3 or 1.2), validates the certificate presented now and reports it, with the fetcher's
 * own trust manager and with a configured {@code SSLContext}. The server would resume (see
 * {@code RotatingKeyManagerTest}), so a resumed session would show here as the old certificate.
 */
@Timeout(60)
class PolicyFetchSessionIT {
  private static TestPki pki;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts session test root");
  }

  /** How the fetcher gets its trust: its own DNS-ID trust manager, or the caller's SSLContext. */
  enum Trust {
    TRUST_MANAGER, SSL_CONTEXT;

    HttpPolicyFetcher fetcher(TunnelProxy proxy) {
      HttpPolicyFetcher.Builder b = HttpPolicyFetcher.builder().proxy(proxy.selector())
          .connectTimeout(Duration.ofSeconds(1)).deadline(ROOMY_DEADLINE);
      return (this == TRUST_MANAGER ? b.trustManager(pki.trustManager()) : b.sslContext(pki.clientContext())).build();
    }
  }

  static Stream<Arguments> trustAndProtocol() {
    return Stream.of(Trust.values()).flatMap(t -> Stream.of("TLSv1.3", "TLSv1.2").map(p -> Arguments.of(t, p)));
  }

  /** The second fetch's outcome, and how many full handshakes the server made for both fetches. */
  record Rotated(PolicyFetchOutcome after, int fullHandshakes) {
    void assertNoneResumed() {
      assertThat(fullHandshakes).as("a full handshake on each fetch, none resumed").isEqualTo(2);
    }
  }

  /** Fetches once from a host presenting {@code first}, then once more after presenting {@code second}. */
  private static Rotated rotate(Trust trust, String protocol, TestPki.Issued first, TestPki.Issued second)
      throws Exception {
    RotatingKeyManager keys = RotatingKeyManager.presenting(first);
    try (PolicyHost host = PolicyHost.start(keys.serverContext(), new String[] {protocol}, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      HttpPolicyFetcher fetcher = trust.fetcher(proxy);
      PolicyFetchOutcome.Fetched before = assertFetched(fetch(fetcher));
      assertThat(before.certificate()).isEqualTo(CertificateSummary.of(first.certificate()));
      keys.present(second);
      return new Rotated(fetch(fetcher).outcome(), keys.fullHandshakes());
    }
  }

  @ParameterizedTest
  @MethodSource("trustAndProtocol")
  void aRenewedCertificateIsTheOneReportedByTheNextFetch(Trust trust, String protocol) throws Exception {
    // FET-40, FET-41: the checker and the monitor compare and age the certificate of each fetch
    TestPki.Issued renewed = pki.leaf().dnsNames(HOST).issue();
    Rotated r = rotate(trust, protocol, pki.leaf().dnsNames(HOST).issue(), renewed);
    assertThat(assertFetched(new Fetches.Timed(r.after(), Duration.ZERO)).certificate())
        .isEqualTo(CertificateSummary.of(renewed.certificate()));
    r.assertNoneResumed();
  }

  static Stream<Arguments> badRotations() {
    return trustAndProtocol().flatMap(a -> Stream.of(
        Arguments.of(a.get()[0], a.get()[1], "untrusted", FetchFailure.CERTIFICATE_NOT_TRUSTED),
        Arguments.of(a.get()[0], a.get()[1], "wrong name", FetchFailure.CERTIFICATE_NAME_MISMATCH),
        Arguments.of(a.get()[0], a.get()[1], "expired", FetchFailure.CERTIFICATE_EXPIRED)));
  }

  @ParameterizedTest(name = "{0} {1}: rotated to {2}")
  @MethodSource("badRotations")
  void aCertificateReplacedByAnInvalidOneFailsTheNextFetch(Trust trust, String protocol, String kind,
      FetchFailure reason) throws Exception {
    // FET-40: RFC 8461 §3.3, the certificate is validated on each fetch
    TestPki.Issued bad = switch (kind) {
      case "untrusted" -> TestPki.create("an untrusted root").leaf().dnsNames(HOST).issue();
      case "wrong name" -> pki.leaf().dnsNames("mta-sts.other.test").issue();
      default -> pki.leaf().dnsNames(HOST).expired().issue();
    };
    Rotated r = rotate(trust, protocol, pki.leaf().dnsNames(HOST).issue(), bad);
    PolicyFetchOutcome.Failed f = assertFailed(new Fetches.Timed(r.after(), Duration.ZERO), reason,
        "sts-webpki-invalid", ROOMY_DEADLINE);
    if (trust == Trust.TRUST_MANAGER || reason == FetchFailure.CERTIFICATE_NAME_MISMATCH) {
      // A configured SSLContext's trust manager cannot be wrapped, so a chain it refuses is
      // known only from JSSE's exception, which does not carry it.
      assertThat(f.certificate()).as("the leaf presented now is reported")
          .isEqualTo(CertificateSummary.of(bad.certificate()));
    }
    r.assertNoneResumed();
  }
}
