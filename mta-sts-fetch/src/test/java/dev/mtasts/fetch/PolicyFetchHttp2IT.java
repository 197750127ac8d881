package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static dev.mtasts.fetch.Fetches.fetcher;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that offer HTTP/2 (Jetty, through the proxy tunnel): the fetcher offers only
 * {@code http/1.1} in ALPN, so a server with both speaks HTTP/1.1 to it, and one with HTTP/2 only
 * fails the handshake cleanly (FET-14).
 */
@Timeout(60)
class PolicyFetchHttp2IT {
  private static final byte[] POLICY = PolicyHost.POLICY.getBytes(StandardCharsets.UTF_8);
  private static TestPki pki;
  private static TestPki.Issued credential;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts http2 test root");
    credential = pki.leaf().dnsNames(HOST).issue();
  }

  @Test
  void policyIsFetchedOverHttp11FromAServerThatAlsoOffersHttp2() throws Exception {
    try (Http2PolicyHost host = Http2PolicyHost.start(credential, 200, "text/plain; charset=utf-8", POLICY);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(host.versions()).containsExactly("HTTP/1.1");
      assertThat(f.body()).isEqualTo(POLICY);
      assertThat(f.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
      assertThat(f.warnings()).isEmpty();
    }
  }

  @Test
  void statusOtherThan200IsAFailureFromAServerThatAlsoOffersHttp2() throws Exception {
    // FET-6
    try (Http2PolicyHost host = Http2PolicyHost.start(credential, 404, "text/plain", POLICY);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.HTTP_STATUS,
          "sts-policy-fetch-error");

      assertThat(f.status()).isEqualTo(404);
      assertThat(host.versions()).containsExactly("HTTP/1.1");
    }
  }

  @Test
  void oversizedBodyIsCutOffFromAServerThatAlsoOffersHttp2() throws Exception {
    // FET-10: the cap applies while the body streams
    byte[] large = new byte[10 * 1024 * 1024];
    Arrays.fill(large, (byte) 'x');
    try (Http2PolicyHost host = Http2PolicyHost.start(credential, 200, "text/plain", large);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.BODY_TOO_LARGE, "sts-policy-fetch-error");
      assertThat(host.versions()).containsExactly("HTTP/1.1");
    }
  }

  @Test
  void serverThatSpeaksOnlyHttp2FailsTheHandshakeCleanly() throws Exception {
    // FET-14: ALPN offers http/1.1 only; Jetty with h2 alone refuses with no_application_protocol.
    try (Http2PolicyHost host = Http2PolicyHost.start(credential, false, 200, "text/plain", POLICY);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()),
          FetchFailure.TLS_HANDSHAKE_FAILED, "sts-policy-fetch-error");

      assertThat(f.message()).contains("http/1.1");
      assertThat(host.versions()).isEmpty();
    }
  }
}
