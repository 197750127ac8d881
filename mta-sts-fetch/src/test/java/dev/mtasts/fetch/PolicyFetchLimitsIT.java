package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static dev.mtasts.fetch.Fetches.fetcher;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.ScriptedHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Size and time bounds (FET-10, SEC-8) and transport failures against real servers: every case
 * is asserted by its reason and must finish within the configured deadline.
 */
@Timeout(60)
class PolicyFetchLimitsIT {
  private static final byte[] POLICY = PolicyHost.POLICY.getBytes(StandardCharsets.UTF_8);
  private static final int TEN_MB = 10 * 1024 * 1024;
  private static TestPki pki;
  private static TestPki.Issued credential;
  /** Paces the trickling server; server behaviour only, never part of a verdict. */
  private static ScheduledExecutorService pacer;

  @BeforeAll
  static void setUp() {
    pki = TestPki.create("mta-sts limits test root");
    credential = pki.leaf().dnsNames(HOST).issue();
    pacer = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r, "pacer"));
  }

  @AfterAll
  static void tearDown() {
    pacer.shutdownNow();
  }

  /** A handler that serves {@code size} bytes, declaring the length or sending it chunked. */
  private static HttpHandler large(int size, boolean declareLength) {
    return exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, declareLength ? size : 0);
      byte[] chunk = new byte[16384];
      Arrays.fill(chunk, (byte) 'x');
      try (OutputStream out = exchange.getResponseBody()) {
        for (int sent = 0; sent < size; sent += chunk.length) {
          out.write(chunk, 0, Math.min(chunk.length, size - sent));
        }
      } catch (IOException e) {
        // The client stopped reading, as it must.
      }
    };
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void tenMegabyteBodyIsTooLarge(boolean declareLength) throws Exception {
    // FET-10: declared, it is refused unread; chunked, reading stops at the cap (the subscriber's
    // unit test shows nothing past the cap is buffered).
    try (PolicyHost host = PolicyHost.start(credential, large(TEN_MB, declareLength));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()),
          FetchFailure.BODY_TOO_LARGE, "sts-policy-fetch-error");

      assertThat(f.status()).isEqualTo(200);
      assertThat(f.message()).contains(Integer.toString(MtaStsPolicy.MAX_BODY_BYTES));
      if (declareLength) {
        assertThat(f.message()).contains(Integer.toString(TEN_MB));
      }
    }
  }

  @Test
  void bodyOfExactlyTheCapIsReadAndOneByteMoreIsNot() throws Exception {
    // FET-10 boundary, with a lowered cap
    int cap = POLICY.length;
    for (int extra : new int[] {0, 1}) {
      byte[] body = Arrays.copyOf(POLICY, cap + extra);
      if (extra == 1) {
        body[cap] = '\n';
      }
      try (PolicyHost host = PolicyHost.start(credential, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0); // chunked: the cap applies while streaming
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
          TunnelProxy proxy = TunnelProxy.to(host.address())) {
        Fetches.Timed timed = fetch(fetcher(pki, proxy).maxBodyBytes(cap).build());
        if (extra == 0) {
          assertThat(assertFetched(timed).body()).isEqualTo(POLICY);
        } else {
          assertFailed(timed, FetchFailure.BODY_TOO_LARGE, "sts-policy-fetch-error");
        }
      }
    }
  }

  @Test
  void bodyTrickledAtOneBytePerSecondTimesOutAndTheExchangeIsCancelled() throws Exception {
    // FET-10: the deadline covers the body, which HttpRequest.timeout does not.
    CountDownLatch serverSawClose = new CountDownLatch(1);
    HttpHandler trickle = exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      AtomicInteger next = new AtomicInteger();
      AtomicReference<java.util.concurrent.ScheduledFuture<?>> task = new AtomicReference<>();
      // Server behaviour: one byte a second from the pacer thread, until the client goes away.
      task.set(pacer.scheduleAtFixedRate(() -> {
        try {
          out.write(POLICY[next.getAndIncrement() % POLICY.length]);
          out.flush();
        } catch (IOException e) {
          serverSawClose.countDown();
          task.get().cancel(false);
        }
      }, 0, 1, TimeUnit.SECONDS));
    };
    try (PolicyHost host = PolicyHost.start(credential, trickle);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.TIMEOUT,
          "sts-policy-fetch-error");

      assertThat(f.message()).contains("while reading the body");
      assertThat(serverSawClose.await(20, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
    }
  }

  @Test
  void responseHeadersThatNeverComeTimeOut() throws Exception {
    // FET-10
    try (PolicyHost host = PolicyHost.start(credential, exchange -> { });
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.TIMEOUT, "sts-policy-fetch-error");
      assertThat(host.requests()).hasSize(1);
    }
  }

  @Test
  void peerThatNeverCompletesTheHandshakeTimesOut() throws Exception {
    // FET-10: the deadline covers connect and TLS too
    try (ScriptedHost silent = ScriptedHost.start(ScriptedHost.silent());
        TunnelProxy proxy = TunnelProxy.to(silent.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.TIMEOUT, "sts-policy-fetch-error");
    }
  }

  @Test
  void connectionResetMidBodyIsAnIoError() throws Exception {
    try (ScriptedHost resetting = ScriptedHost.start(socket -> {
          SSLSocket tls = ScriptedHost.tls(socket, credential.serverContext());
          ScriptedHost.readHead(tls.getInputStream());
          OutputStream out = tls.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + POLICY.length
              + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(POLICY, 0, 20);
          out.flush();
          // Server behaviour: reset a little later, so the client has usually read the headers
          // and is in the body. Should the reset overtake them anyway (a reset discards unread
          // data), the transfer still broke and the reason is the same: no verdict on timing.
          pacer.schedule(() -> {
            try {
              ScriptedHost.reset(socket);
            } catch (IOException e) {
              // already gone
            }
          }, 300, TimeUnit.MILLISECONDS);
        });
        TunnelProxy proxy = TunnelProxy.to(resetting.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.IO_ERROR, "sts-policy-fetch-error");
    }
  }

  @Test
  void peerThatDoesNotSpeakTlsFailsTheHandshake() throws Exception {
    // FET-14
    try (ScriptedHost plain = ScriptedHost.start(socket -> {
          socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        });
        TunnelProxy proxy = TunnelProxy.to(plain.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.TLS_HANDSHAKE_FAILED,
          "sts-policy-fetch-error");
    }
  }

  @Test
  void serverOfferingOnlyTls11FailsTheHandshake() throws Exception {
    // FET-14: TLS 1.2 or later
    try (PolicyHost host = PolicyHost.start(credential, new String[] {"TLSv1.1"}, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.TLS_HANDSHAKE_FAILED,
          "sts-policy-fetch-error");
      assertThat(host.requests()).isEmpty();
    }
  }

  @Test
  void refusedConnectionIsAConnectFailure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
        .trustManager(pki.trustManager())
        .proxy(ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort)))
        .deadline(Fetches.DEADLINE)
        .build();
    assertFailed(fetch(fetcher), FetchFailure.CONNECT_FAILED, "sts-policy-fetch-error");
  }

  @Test
  void proxyThatRefusesTheTunnelIsAConnectFailure() throws Exception {
    try (ScriptedHost proxy = ScriptedHost.start(socket -> {
          ScriptedHost.readHead(socket.getInputStream());
          socket.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        })) {
      HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
          .trustManager(pki.trustManager())
          .proxy(ProxySelector.of(proxy.address()))
          .deadline(Fetches.DEADLINE)
          .build();
      assertFailed(fetch(fetcher), FetchFailure.CONNECT_FAILED, "sts-policy-fetch-error");
    }
  }

  @Test
  void shortDeadlineBoundsEvenAGenerousConnectTimeout() throws Exception {
    // FET-10: the overall deadline wins over a longer connect timeout
    Duration deadline = Duration.ofMillis(500);
    try (ScriptedHost silent = ScriptedHost.start(ScriptedHost.silent());
        TunnelProxy proxy = TunnelProxy.to(silent.address())) {
      HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
          .trustManager(pki.trustManager())
          .proxy(proxy.selector())
          .connectTimeout(Duration.ofSeconds(30))
          .deadline(deadline)
          .build();
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher), FetchFailure.TIMEOUT,
          "sts-policy-fetch-error", deadline);
      assertThat(f.message()).contains("500 ms");
    }
  }
}
