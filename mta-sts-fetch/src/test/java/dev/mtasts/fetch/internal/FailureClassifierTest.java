package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The classification of whatever ends a fetch early. The shapes of the exceptions are those of
 * the JDK's sockets and JSSE (JSSE keeps a trust manager's exception as the cause of the
 * {@link SSLHandshakeException}); the real-server tests produce most of them for real.
 */
class FailureClassifierTest {
  private static final String HOST = "mta-sts.example.test";
  private static final FailureClassifier.Context CONNECTING = new FailureClassifier.Context(
      HOST, FailureClassifier.Phase.CONNECT, 0, Duration.ofSeconds(10), Duration.ofMinutes(1));
  private static final FailureClassifier.Context BEFORE_RESPONSE = new FailureClassifier.Context(
      HOST, FailureClassifier.Phase.HANDSHAKE, 0, Duration.ofSeconds(10), Duration.ofMinutes(1));
  private static final FailureClassifier.Context IN_BODY = new FailureClassifier.Context(
      HOST, FailureClassifier.Phase.BODY, 1234, Duration.ofSeconds(10), Duration.ofMinutes(1));

  private static <T extends Throwable> T causedBy(T t, Throwable cause) {
    t.initCause(cause);
    return t;
  }

  private static FailureClassifier.Classified classify(Throwable t, FailureClassifier.Context c) {
    return FailureClassifier.classify(new CompletionException(t), c);
  }

  @Test
  void unresolvableHostIsHostNotFound() {
    FailureClassifier.Classified c = classify(new UnknownHostException(HOST), BEFORE_RESPONSE);
    assertThat(c.reason()).isEqualTo(FetchFailure.HOST_NOT_FOUND);
    assertThat(c.message()).contains(HOST);
  }

  @Test
  @DisplayName("APP-12: failure messages are in words, never Java class names")
  void messagesNameNoJavaClass() {
    assertThat(classify(new UnknownHostException(HOST + " does not exist in DNS (NXDOMAIN)"), CONNECTING).message())
        .isEqualTo("the policy host " + HOST + " does not resolve: " + HOST + " does not exist in DNS (NXDOMAIN)");
    assertThat(classify(new ConnectException("Connection refused"), CONNECTING).message())
        .isEqualTo("could not connect to " + HOST + ": Connection refused");
    assertThat(classify(new IOException(new java.nio.channels.UnresolvedAddressException()), IN_BODY).message())
        .doesNotContain("Exception").contains("the address could not be resolved");
    assertThat(classify(new IOException(), IN_BODY).message()).endsWith(": no detail given");
  }

  @Test
  void refusedConnectionAndRefusedTunnelAreConnectFailures() {
    assertThat(classify(new ConnectException("Connection refused"), CONNECTING).reason())
        .isEqualTo(FetchFailure.CONNECT_FAILED);
    assertThat(classify(new NoRouteToHostException("No route to host"), CONNECTING).reason())
        .isEqualTo(FetchFailure.CONNECT_FAILED);
  }

  @Test
  void socketTimeoutsAreTimeouts() {
    // FET-10
    FailureClassifier.Classified connect = classify(new SocketTimeoutException("connect timed out"), CONNECTING);
    assertThat(connect.reason()).isEqualTo(FetchFailure.TIMEOUT);
    assertThat(connect.message()).contains("10 seconds").doesNotContain("PT");
    FailureClassifier.Classified read = classify(new SocketTimeoutException("Read timed out"), IN_BODY);
    assertThat(read.reason()).isEqualTo(FetchFailure.TIMEOUT);
    assertThat(read.message()).contains("60 seconds (1 minute)").contains("1234 bytes");
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
    FailureClassifier.Classified c = classify(new EOFException("the connection closed after 20 bytes"), IN_BODY);
    assertThat(c.reason()).isEqualTo(FetchFailure.IO_ERROR);
    assertThat(c.message()).contains("while reading the body").contains("after 20 bytes");
  }

  @Test
  void everyOtherThrowableIsAnIoErrorWithAResultType() {
    // Item 2 of issue 12: nothing but an Error may complete the stage exceptionally (FET-10).
    for (Throwable t : List.of(new IllegalStateException("bug"), new NullPointerException(),
        new NumberFormatException("For input string: \"abc\""), new RuntimeException("\u001b]0;x\u0007"))) {
      FailureClassifier.Classified c = classify(t, IN_BODY);
      assertThat(c.reason()).isEqualTo(FetchFailure.IO_ERROR);
      assertThat(c.reason().resultType().token()).isEqualTo("sts-policy-fetch-error");
      assertThat(c.message()).doesNotContain("\u001b", "\u0007");
    }
  }

  @Test
  void exceptionMessagesAreEscaped() {
    // SEC-12: an exception may quote network text
    FailureClassifier.Classified c = classify(new IOException("bad \u001b[2J\r\nForged: line"), IN_BODY);
    assertThat(c.message()).contains("\\e[2J\\r\\nForged").doesNotContain("\r", "\n", "\u001b");
  }

  @Test
  void aCycleOfCausesEnds() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b);
    assertThat(classify(a, BEFORE_RESPONSE).reason()).isEqualTo(FetchFailure.IO_ERROR);
  }
}
