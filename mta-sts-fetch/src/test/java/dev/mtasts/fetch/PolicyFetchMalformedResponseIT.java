package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static dev.mtasts.fetch.Fetches.fetcher;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.ScriptedHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Responses that break HTTP/1.1, from a raw TLS server: each must end as a
 * {@link PolicyFetchOutcome.Failed} with an RFC 8460 result type, never an exceptional stage, and
 * every piece of network text in a message must be escaped (SEC-12). Only the old builder API
 * is used, so the same tests run against the {@code HttpClient}-based fetcher.
 */
@Timeout(60)
class PolicyFetchMalformedResponseIT {
  private static final String POLICY = PolicyHost.POLICY;
  private static TestPki pki;
  private static TestPki.Issued credential;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts malformed response test root");
    credential = pki.leaf().dnsNames(HOST).issue();
  }

  /** Fetches from a host that answers the request with exactly {@code response} and closes. */
  private static Fetches.Timed answer(String response) throws Exception {
    try (ScriptedHost host = ScriptedHost.start(socket -> {
          SSLSocket tls = ScriptedHost.tls(socket, credential.serverContext());
          ScriptedHost.readHead(tls.getInputStream());
          OutputStream out = tls.getOutputStream();
          out.write(response.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          tls.close();
        });
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      return fetch(fetcher(pki, proxy, Fetches.ROOMY_DEADLINE).build());
    }
  }

  private static PolicyFetchOutcome.Failed assertFailed(Fetches.Timed timed, FetchFailure reason,
      String resultType) {
    return Fetches.assertFailed(timed, reason, resultType, Fetches.ROOMY_DEADLINE);
  }

  private static String withHeaders(String statusLine, String headers, String body) {
    return statusLine + "\r\n" + headers + "\r\n" + body;
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "99999999999999999999", "1e3", "-1", "5, 6", "+93", "0x5d", ""})
  @DisplayName("FET-17: a malformed Content-Length is a Failed outcome with a result type")
  void aMalformedContentLengthBecomesAFailedOutcome(String contentLength) throws Exception {
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK",
        "Content-Type: text/plain\r\nContent-Length: " + contentLength + "\r\n", POLICY)),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("Content-Length");
  }

  @Test
  @DisplayName("FET-17: two different Content-Length fields are a Failed outcome")
  void twoDifferentContentLengthFieldsBecomeAFailedOutcome() throws Exception {
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK",
        "Content-Type: text/plain\r\nContent-Length: " + POLICY.length() + "\r\nContent-Length: 3\r\n", POLICY)),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("different Content-Lengths");
  }

  /** A response with control bytes in one place, what it fails with, and how the message shows them. */
  record Hostile(String where, String response, FetchFailure reason, String resultType, String shown) {
    @Override
    public String toString() {
      return where;
    }
  }

  static Stream<Hostile> hostileText() {
    String length = "Content-Length: " + POLICY.length() + "\r\n";
    return Stream.of(
        new Hostile("status line", withHeaders("HTTP/1.1 200 \u001b]0;pwned\u0007\rOK",
            "Content-Type: text/plain\r\n" + length, POLICY), FetchFailure.IO_ERROR, "sts-policy-fetch-error",
            "\\e]0;pwned\\x07\\rOK"),
        new Hostile("Location (FET-7)", withHeaders("HTTP/1.1 302 Found",
            "Location: https://evil.test/\u001b[2J\u001b]0;owned\u0007\r\nContent-Length: 0\r\n", ""),
            FetchFailure.REDIRECT, "sts-policy-fetch-error", "https://evil.test/\\e[2J\\e]0;owned\\x07"),
        new Hostile("Content-Type (FET-9)", withHeaders("HTTP/1.1 200 OK",
            "Content-Type: text/html\u001b[31m\r\n" + length, POLICY), FetchFailure.CONTENT_TYPE,
            "sts-policy-invalid", "text/html\\e[31m"));
  }

  @ParameterizedTest
  @MethodSource("hostileText")
  @DisplayName("SEC-12: ESC, BEL and CR from a status line or header value are reported escaped")
  void controlBytesFromTheNetworkAreReportedEscaped(Hostile hostile) throws Exception {
    PolicyFetchOutcome.Failed f = assertFailed(answer(hostile.response()), hostile.reason(), hostile.resultType());
    assertThat(f.message().chars().filter(c -> c < 0x20 || c == 0x7f))
        .as("control characters in %s", f.message()).isEmpty();
    assertThat(f.message()).contains(hostile.shown());
  }

  @Test
  @DisplayName("SEC-8: a header section over 100 fields is refused")
  void moreThanAHundredHeaderFieldsAreRefused() throws Exception {
    StringBuilder headers = new StringBuilder("Content-Type: text/plain\r\nContent-Length: " + POLICY.length()
        + "\r\n");
    for (int i = 0; i < 100; i++) {
      headers.append("X-Filler-").append(i).append(": y\r\n");
    }
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK", headers.toString(), POLICY)),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("100 fields");
  }

  @Test
  @DisplayName("SEC-8: a header section over 8 KiB is refused")
  void aHeaderSectionOverEightKibIsRefused() throws Exception {
    String headers = "Content-Type: text/plain\r\nContent-Length: " + POLICY.length() + "\r\nX-Big: "
        + "y".repeat(9000) + "\r\n";
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK", headers, POLICY)),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("8192 bytes");
  }

  @Test
  @DisplayName("FET-10: a chunked body within the cap is read whole, trailers ignored")
  void aValidChunkedBodyIsRead() throws Exception {
    String half = POLICY.substring(0, 30);
    String rest = POLICY.substring(30);
    String body = Integer.toHexString(half.length()) + ";ext=1\r\n" + half + "\r\n"
        + Integer.toHexString(rest.length()).toUpperCase() + "\r\n" + rest + "\r\n0\r\nX-Trailer: t\r\n\r\n";
    PolicyFetchOutcome.Fetched f = assertFetched(answer(withHeaders("HTTP/1.1 200 OK",
        "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n", body)));
    assertThat(new String(f.body(), StandardCharsets.UTF_8)).isEqualTo(POLICY);
  }

  @Test
  @DisplayName("FET-10: a chunk that would pass the cap ends the fetch")
  void aChunkedBodyOverTheCapIsTooLarge() throws Exception {
    String body = "10001\r\n" + "x".repeat(MtaStsPolicy.MAX_BODY_BYTES + 1) + "\r\n0\r\n\r\n";
    assertFailed(answer(withHeaders("HTTP/1.1 200 OK", "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
        body)), FetchFailure.BODY_TOO_LARGE, "sts-policy-fetch-error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zz", "-5", "ffffffffffffffffffff", "5 x", ""})
  @DisplayName("FET-17: a malformed chunk size is a Failed outcome")
  void aMalformedChunkSizeBecomesAFailedOutcome(String size) throws Exception {
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK",
        "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n", size + "\r\nabcde\r\n0\r\n\r\n")),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("chunk");
  }

  @Test
  @DisplayName("SEC-8: an endless chunk-size line is cut off at 1 KiB")
  void anEndlessChunkSizeLineIsCutOff() throws Exception {
    PolicyFetchOutcome.Failed f = assertFailed(answer(withHeaders("HTTP/1.1 200 OK",
        "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n", "5;" + "e".repeat(20000))),
        FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    assertThat(f.message()).contains("chunk-size line is longer than 1024 bytes");
  }

  @Test
  @DisplayName("FET-17: Transfer-Encoding with Content-Length is refused (RFC 9112 §6.3)")
  void transferEncodingWithContentLengthIsRefused() throws Exception {
    assertFailed(answer(withHeaders("HTTP/1.1 200 OK", "Content-Type: text/plain\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n", "5\r\nabcde\r\n0\r\n\r\n")), FetchFailure.IO_ERROR, "sts-policy-fetch-error");
  }
}
