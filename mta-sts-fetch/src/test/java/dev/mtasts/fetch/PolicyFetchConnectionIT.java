package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.fetch.internal.Http1Reader;
import dev.mtasts.fetch.internal.PolicyFetch;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.ScriptedHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct connections (no proxy) to addresses from the {@link AddressResolver}: the end of a
 * fetch closes its connection, however much a hostile host keeps sending (FET-18), and the
 * addresses are tried happy-eyeballs style within the one deadline while SNI and the
 * certificate check stay on the name (FET-19).
 */
@Timeout(60)
class PolicyFetchConnectionIT {
  /** The TLS record a client may hold besides its read buffer: 16 KiB plus overhead. */
  private static final int TLS_RECORD = 16384 + 512;
  private static TestPki pki;
  private static TestPki.Issued credential;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts connection test root");
    credential = pki.leaf().dnsNames(HOST).issue();
  }

  private static InetAddress address(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  /** A direct fetcher whose resolver answers {@code addresses} and records the names asked for. */
  private static HttpPolicyFetcher.Builder direct(int port, List<String> asked, InetAddress... addresses) {
    return direct(Fetches.ROOMY_DEADLINE, port, asked, addresses);
  }

  private static HttpPolicyFetcher.Builder direct(Duration deadline, int port, List<String> asked,
      InetAddress... addresses) {
    return HttpPolicyFetcher.builder()
        .trustManager(pki.trustManager())
        .addressResolver(host -> {
          asked.add(host);
          return CompletableFuture.completedFuture(List.of(addresses));
        })
        .port(port)
        .connectTimeout(Duration.ofSeconds(1))
        .deadline(deadline);
  }

  /**
   * A raw TLS server that answers with {@code head} and then streams forever, ignoring
   * everything the client does, counting the bytes it manages to write until a write fails.
   */
  private static final class Endless implements ScriptedHost.Script {
    private final byte[] head;
    private final byte[] filler;
    final AtomicLong written = new AtomicLong();
    final AtomicLong sendBuffer = new AtomicLong();
    final CountDownLatch closed = new CountDownLatch(1);

    Endless(String head, String filler) {
      this.head = head.getBytes(StandardCharsets.US_ASCII);
      byte[] f = filler.getBytes(StandardCharsets.US_ASCII);
      this.filler = new byte[16384 / f.length * f.length];
      for (int i = 0; i < this.filler.length; i++) {
        this.filler[i] = f[i % f.length];
      }
    }

    @Override
    public void run(Socket socket) throws IOException {
      socket.setSendBufferSize(16384);
      sendBuffer.set(socket.getSendBufferSize());
      SSLSocket tls = ScriptedHost.tls(socket, credential.serverContext());
      ScriptedHost.readHead(tls.getInputStream());
      OutputStream out = tls.getOutputStream();
      try {
        out.write(head);
        written.addAndGet(head.length);
        while (true) {
          out.write(filler);
          written.addAndGet(filler.length);
        }
      } catch (IOException e) {
        closed.countDown();
      }
    }

    /** Everything the client may hold: its read buffer, a TLS record and both kernel buffers. */
    long slack() {
      // Linux doubles SO_RCVBUF for its own bookkeeping.
      return Http1Reader.BUFFER_BYTES + TLS_RECORD + 2L * PolicyFetch.RECEIVE_BUFFER_BYTES + sendBuffer.get();
    }
  }

  private static PolicyFetchOutcome.Failed endless(Endless script, FetchFailure reason) throws Exception {
    try (ScriptedHost host = ScriptedHost.start(script)) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(direct(host.address().getPort(), new ArrayList<>(),
          address("127.0.0.1")).build()), reason, "sts-policy-fetch-error", Fetches.ROOMY_DEADLINE);
      assertThat(script.closed.await(10, TimeUnit.SECONDS)).as("the server's writes fail once the outcome is"
          + " decided: the connection is closed").isTrue();
      return f;
    }
  }

  @Test
  @DisplayName("FET-18, FET-10: a body that never ends is cut at the cap and the connection closed")
  void anEndlessBodyIsCutAtTheCapAndTheConnectionClosed() throws Exception {
    Endless script = new Endless("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", "x");
    endless(script, FetchFailure.BODY_TOO_LARGE);
    assertThat(script.written.get()).as("bytes the server wrote").isLessThanOrEqualTo(
        MtaStsPolicy.MAX_BODY_BYTES + 100 + script.slack());
  }

  @Test
  @DisplayName("FET-18, FET-6: an endless body after a 404 is never read and the connection closed")
  void anEndlessBodyAfterARejectedStatusIsNotRead() throws Exception {
    Endless script = new Endless("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n", "x");
    endless(script, FetchFailure.HTTP_STATUS);
    assertThat(script.written.get()).as("bytes the server wrote").isLessThanOrEqualTo(script.slack());
  }

  @Test
  @DisplayName("FET-18, SEC-8: an endless header section is cut at 8 KiB and the connection closed")
  void anEndlessHeaderSectionIsCutAndTheConnectionClosed() throws Exception {
    Endless script = new Endless("HTTP/1.1 200 OK\r\n", "X-Pad: " + "y".repeat(200) + "\r\n");
    PolicyFetchOutcome.Failed f = endless(script, FetchFailure.IO_ERROR);
    assertThat(f.message()).contains("8192 bytes");
    assertThat(script.written.get()).isLessThanOrEqualTo(Http1Reader.MAX_HEAD_BYTES + script.slack());
  }

  @Test
  @DisplayName("FET-19, FET-5: a refusing first address falls back to the second; SNI and Host name the policy host")
  void aRefusingFirstAddressFallsBackToTheSecond() throws Exception {
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy())) {
      List<String> asked = new CopyOnWriteArrayList<>();
      // Nothing listens on 127.0.0.2 at the host's port: that connection is refused.
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(direct(host.address().getPort(), asked,
          address("127.0.0.2"), address("127.0.0.1")).build()));

      assertThat(asked).containsExactly(HOST);
      assertThat(f.certificate().dnsNames()).containsExactly(HOST);
      assertThat(host.sniNames()).containsExactly(HOST);
      assertThat(host.requests()).singleElement().satisfies(r ->
          assertThat(r.headers().getFirst("Host")).isEqualTo(HOST));
    }
  }

  @Test
  @DisplayName("FET-19, FET-10: a black-holed first address is overtaken by the second within the deadline")
  void aBlackholedFirstAddressIsOvertakenWithinTheDeadline() throws Exception {
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        ServerSocket full = new ServerSocket(host.address().getPort(), 1, address("127.0.0.2"))) {
      List<Socket> queued = new ArrayList<>();
      try {
        // Fill the accept queue of a server that never accepts: further SYNs are dropped.
        InetSocketAddress hole = new InetSocketAddress(full.getInetAddress(), full.getLocalPort());
        boolean blackholed = false;
        for (int i = 0; i < 8 && !blackholed; i++) {
          Socket s = new Socket();
          queued.add(s);
          try {
            s.connect(hole, 300);
          } catch (SocketTimeoutException e) {
            blackholed = true;
          }
        }
        assertThat(blackholed).as("precondition: 127.0.0.2 black-holes connections").isTrue();

        // A connect timeout far past the deadline: trying one address after the other would time out.
        InetAddress address = host.address().getAddress();
        HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
            .trustManager(pki.trustManager())
            .addressResolver(h -> CompletableFuture.completedFuture(List.of(hole.getAddress(), address)))
            .port(host.address().getPort())
            .connectTimeout(Duration.ofSeconds(30))
            .deadline(Fetches.ROOMY_DEADLINE)
            .build();
        Fetches.Timed timed = fetch(fetcher);
        assertFetched(timed);
        assertThat(timed.took()).isLessThan(Fetches.ROOMY_DEADLINE.plus(Fetches.MARGIN));
        assertThat(host.sniNames()).containsExactly(HOST);
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  @DisplayName("FET-19, FET-2: the certificate is checked against the policy host name, not the address")
  void theCertificateIsCheckedAgainstTheNameNotTheAddress() throws Exception {
    TestPki.Issued other = pki.leaf().dnsNames("mta-sts.provider.test").issue();
    try (PolicyHost host = PolicyHost.start(other, PolicyHost.policy())) {
      assertFailed(fetch(direct(host.address().getPort(), new ArrayList<>(), address("127.0.0.1")).build()),
          FetchFailure.CERTIFICATE_NAME_MISMATCH, "sts-webpki-invalid", Fetches.ROOMY_DEADLINE);
      assertThat(host.sniNames()).containsExactly(HOST);
      assertThat(host.requests()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown-host", "empty", "throws", "fails-oddly", "null-address"})
  @DisplayName("FET-19: every resolver failure is a Failed outcome, never an exceptional stage")
  void everyResolverFailureIsAFailedOutcome(String kind) throws Exception {
    AddressResolver resolver = host -> switch (kind) {
      case "unknown-host" -> CompletableFuture.failedFuture(new UnknownHostException(host));
      case "empty" -> CompletableFuture.completedFuture(List.of());
      case "throws" -> throw new IllegalStateException("resolver bug");
      case "null-address" -> CompletableFuture.completedFuture(Arrays.asList((InetAddress) null));
      default -> CompletableFuture.failedFuture(new NumberFormatException("odd"));
    };
    HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder().trustManager(pki.trustManager())
        .addressResolver(resolver).deadline(Fetches.ROOMY_DEADLINE).build();
    FetchFailure expected = kind.equals("unknown-host") || kind.equals("empty") ? FetchFailure.HOST_NOT_FOUND
        : FetchFailure.IO_ERROR;
    assertFailed(fetch(fetcher), expected, "sts-policy-fetch-error", Fetches.ROOMY_DEADLINE);
  }

  @Test
  @DisplayName("FET-19, FET-10: a resolver that never answers is bounded by the deadline")
  void aResolverThatNeverAnswersTimesOut() throws Exception {
    HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder().trustManager(pki.trustManager())
        .addressResolver(host -> new CompletableFuture<>()).deadline(Duration.ofMillis(300)).build();
    PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher), FetchFailure.TIMEOUT, "sts-policy-fetch-error",
        Duration.ofMillis(300));
    assertThat(f.message()).contains("resolving");
  }
}
