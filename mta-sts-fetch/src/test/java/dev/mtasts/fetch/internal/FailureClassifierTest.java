package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.testing.PolicyHost;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The classification of what {@code HttpClient} completes a failed exchange with. The shapes of
 * the exceptions are those of the JDK's client and JSSE (a connect failure wraps its cause in a
 * {@link ConnectException}; JSSE keeps a trust manager's exception as the cause of the
 * {@link SSLHandshakeException}); the real-server tests produce most of them for real.
 */
class FailureClassifierTest {
  private static final String HOST = "mta-sts.example.test";
  private static final FailureClassifier.Context BEFORE_RESPONSE = new FailureClassifier.Context(
      HOST, false, 0, Duration.ofSeconds(10), Duration.ofMinutes(1));
  private static final FailureClassifier.Context IN_BODY = new FailureClassifier.Context(
      HOST, true, 1234, Duration.ofSeconds(10), Duration.ofMinutes(1));

  private static <T extends Throwable> T causedBy(T t, Throwable cause) {
    t.initCause(cause);
    return t;
  }

  private static FailureClassifier.@Nullable Classified classify(Throwable t, FailureClassifier.Context c) {
    return FailureClassifier.classify(new CompletionException(t), c);
  }

  @Test
  void unresolvableHostIsHostNotFound() {
    // HttpClient wraps the channel's UnresolvedAddressException in a ConnectException.
    FailureClassifier.Classified c = classify(causedBy(new ConnectException(null),
        new UnresolvedAddressException()), BEFORE_RESPONSE);
    assertThat(c.reason()).isEqualTo(FetchFailure.HOST_NOT_FOUND);
    assertThat(c.message()).contains(HOST);
    assertThat(classify(new UnknownHostException(HOST), BEFORE_RESPONSE).reason())
        .isEqualTo(FetchFailure.HOST_NOT_FOUND);
  }

  @Test
  void refusedConnectionAndRefusedTunnelAreConnectFailures() {
    assertThat(classify(new ConnectException("Connection refused"), BEFORE_RESPONSE).reason())
        .isEqualTo(FetchFailure.CONNECT_FAILED);
    assertThat(classify(new IOException("Tunnel failed, got: 502"), BEFORE_RESPONSE).reason())
        .isEqualTo(FetchFailure.CONNECT_FAILED);
  }

  @Test
  void clientTimeoutsAreTimeouts() {
    // FET-10
    FailureClassifier.Classified connect = classify(new HttpConnectTimeoutException("connect timed out"),
        BEFORE_RESPONSE);
    assertThat(connect.reason()).isEqualTo(FetchFailure.TIMEOUT);
    assertThat(connect.message()).contains("PT10S");
    FailureClassifier.Classified headers = classify(new HttpTimeoutException("request timed out"),
        BEFORE_RESPONSE);
    assertThat(headers.reason()).isEqualTo(FetchFailure.TIMEOUT);
    assertThat(headers.message()).contains("PT1M");
  }

  @Test
  void theFetchersOwnCertificateRefusalKeepsItsReasonAndCertificate() {
    CertificateSummary leaf = new CertificateSummary("CN=x", "CN=ca", List.of("x.example"), Instant.EPOCH,
        Instant.EPOCH.plusSeconds(60), "00");
    for (FetchFailure reason : List.of(FetchFailure.CERTIFICATE_EXPIRED, FetchFailure.CERTIFICATE_NOT_TRUSTED,
        FetchFailure.CERTIFICATE_NAME_MISMATCH)) {
      Throwable t = causedBy(new SSLHandshakeException("refused"),
          new PolicyHostCertificateException(reason, "why", leaf, null));
      FailureClassifier.Classified c = classify(t, BEFORE_RESPONSE);
      assertThat(c.reason()).isEqualTo(reason);
      assertThat(c.message()).isEqualTo("why");
      assertThat(c.certificate()).isSameAs(leaf);
    }
  }

  @Test
  void jdkCertificateFailuresAreClassifiedByTheirCauses() {
    // What a caller-supplied SSLContext's trust manager throws inside JSSE.
    Throwable expired = causedBy(new SSLHandshakeException("PKIX path validation failed"),
        causedBy(new CertificateException("PKIX path validation failed"),
            new CertPathValidatorException("validity check failed", new CertificateExpiredException(),
                null, -1, CertPathValidatorException.BasicReason.EXPIRED)));
    assertThat(classify(expired, BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.CERTIFICATE_EXPIRED);

    Throwable name = causedBy(new SSLHandshakeException("No subject alternative DNS name matching"
        + " mta-sts.example.test found."), new CertificateException("No subject alternative DNS name"
        + " matching mta-sts.example.test found."));
    assertThat(classify(name, BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);

    Throwable untrusted = causedBy(new SSLHandshakeException("PKIX path building failed"),
        new CertificateException("PKIX path building failed: unable to find valid certification path"));
    FailureClassifier.Classified c = classify(untrusted, BEFORE_RESPONSE);
    assertThat(c.reason()).isEqualTo(FetchFailure.CERTIFICATE_NOT_TRUSTED);
    assertThat(c.reason().resultType().token()).isEqualTo("sts-webpki-invalid");
  }

  @Test
  void tlsErrorsBeforeTheResponseAreHandshakeFailuresAndAfterItIoErrors() {
    // FET-14
    assertThat(classify(new SSLHandshakeException("Received fatal alert: protocol_version"),
        BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.TLS_HANDSHAKE_FAILED);
    assertThat(classify(new SSLException("Unrecognized SSL message, plaintext connection?"),
        BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.TLS_HANDSHAKE_FAILED);
    FailureClassifier.Classified c = classify(new SSLException("Tag mismatch"), IN_BODY);
    assertThat(c.reason()).isEqualTo(FetchFailure.IO_ERROR);
    assertThat(c.message()).contains("1234 bytes");
  }

  @Test
  void brokenTransfersAreIoErrors() {
    FailureClassifier.Classified c = classify(new IOException("fixed content-length: 93, bytes received: 20"),
        IN_BODY);
    assertThat(c.reason()).isEqualTo(FetchFailure.IO_ERROR);
    assertThat(c.message()).contains("while reading the body").contains("bytes received: 20");
    assertThat(classify(new IOException("HTTP/1.1 header parser received no bytes"), BEFORE_RESPONSE)
        .message()).contains("before the response headers");
  }

  @Test
  void programmingErrorsAreNotClassified() {
    assertThat(classify(new IllegalStateException("bug"), BEFORE_RESPONSE)).isNull();
    assertThat(classify(new NullPointerException(), IN_BODY)).isNull();
  }

  @Test
  void aCycleOfCausesEnds() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b);
    assertThat(classify(a, BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.IO_ERROR);
  }
}
