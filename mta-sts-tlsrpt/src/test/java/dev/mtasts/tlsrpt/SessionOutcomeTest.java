package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionOutcomeTest {

  @Test
  void normalizesAddressesAndHostNames() throws Exception {
    SessionOutcome.Failure f = SessionOutcome.failure(TlsRptResultType.CERTIFICATE_NOT_TRUSTED)
        .sendingMtaIp(InetAddress.getByName("2001:db8:0:0:0:0:0:7"))
        .receivingIp(InetAddress.getByName("192.0.2.9"))
        .receivingMxHostname("MX.Bücher.Example.")
        .failureReasonCode("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT")
        .build();
    assertThat(f.sendingMtaIp()).isEqualTo("2001:db8::7");
    assertThat(f.receivingIp()).isEqualTo("192.0.2.9");
    assertThat(f.receivingMxHostname()).isEqualTo("mx.xn--bcher-kva.example");
  }

  @Test
  void cleansAndBoundsRemoteText() {
    // The EHLO name comes from the remote server: control characters go, length is capped.
    SessionOutcome.Failure f = SessionOutcome.failure(TlsRptResultType.VALIDATION_FAILURE)
        .receivingMxHelo("  evil\r\nX-Injected: 1" + "x".repeat(1000))
        .build();
    assertThat(f.receivingMxHelo()).doesNotContain("\r").doesNotContain("\n").hasSize(255).startsWith("evil??X");
    assertThat(SessionOutcome.failure(TlsRptResultType.VALIDATION_FAILURE).receivingMxHelo("  ").build()
        .receivingMxHelo()).isNull();
  }

  @Test
  void rejectsInvalidDetails() {
    assertThatIllegalArgumentException().isThrownBy(
        () -> SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).sendingMtaIp("mx.example.com"));
    assertThatIllegalArgumentException().isThrownBy(
        () -> SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).receivingMxHostname("192.0.2.1"));
    assertThatIllegalArgumentException().isThrownBy(
        () -> SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).receivingMxHostname("*.example.com"));
    assertThatIllegalArgumentException().isThrownBy(
        () -> SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
            .additionalInformation(URI.create("relative/path")).build());
    assertThatIllegalStateException().isThrownBy(
        () -> SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).receivingIp("192.0.2.1")
            .receivingIp("192.0.2.2"));
  }

  @Test
  void equalDetailsAreEqualKeys() {
    SessionOutcome.Failure a = SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
        .receivingIp("2001:DB8::1").receivingMxHostname("MX.example.com").build();
    SessionOutcome.Failure b = SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
        .receivingIp("2001:db8:0::1").receivingMxHostname("mx.example.com.").build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(SessionOutcome.success()).isSameAs(SessionOutcome.success());
  }

  @Test
  void policyFetchFailuresMapToTheStsResultTypes() {
    // APP-7, h3 mapping.
    URI uri = URI.create("https://mta-sts.example.com/.well-known/mta-sts.txt");
    PolicyFetchOutcome.Failed http = PolicyFetchOutcome.Failed.of(uri, FetchFailure.HTTP_STATUS, "404").withStatus(404);
    assertThat(SessionOutcome.policyFetchFailure(http)).satisfies(f -> {
      assertThat(f.resultType()).isEqualTo(TlsRptResultType.STS_POLICY_FETCH_ERROR);
      assertThat(f.failureReasonCode()).isEqualTo("http-status-404");
    });
    PolicyFetchOutcome.Failed cert = PolicyFetchOutcome.Failed.of(uri, FetchFailure.CERTIFICATE_EXPIRED, "x");
    assertThat(SessionOutcome.policyFetchFailure(cert).resultType()).isEqualTo(TlsRptResultType.STS_WEBPKI_INVALID);
    PolicyFetchOutcome.Failed invalid = PolicyFetchOutcome.Failed.of(uri, FetchFailure.INVALID_POLICY, "x").withStatus(200);
    assertThat(SessionOutcome.policyFetchFailure(invalid)).satisfies(f -> {
      assertThat(f.resultType()).isEqualTo(TlsRptResultType.STS_POLICY_INVALID);
      assertThat(f.failureReasonCode()).isEqualTo("invalid-policy");
    });
  }
}
