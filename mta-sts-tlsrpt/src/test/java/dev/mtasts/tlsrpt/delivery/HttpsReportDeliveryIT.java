package dev.mtasts.tlsrpt.delivery;

import dev.mtasts.tlsrpt.DeliveryOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.ReportParseOutcome;
import dev.mtasts.tlsrpt.ReportParser;
import dev.mtasts.tlsrpt.ReportPolicy;
import dev.mtasts.tlsrpt.ReportScheduler;
import dev.mtasts.tlsrpt.ReportSchedulerListener;
import dev.mtasts.tlsrpt.ReporterIdentity;
import dev.mtasts.tlsrpt.SessionOutcome;
import dev.mtasts.tlsrpt.TlsRptRecorder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTPS POST delivery against a real local HTTPS server (the JDK's {@code HttpsServer}) with a
 * certificate generated at test time.
 */
@Timeout(60)
class HttpsReportDeliveryIT {
  static final char[] PASSWORD = "changeit".toCharArray();

  record Request(String method, String path, String contentType, byte[] body) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final ExecutorService executor = Executors.newCachedThreadPool();
  final CountDownLatch release = new CountDownLatch(1);
  HttpsServer server;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }

  /** A self-signed certificate for the given DNS and IP names, as key store with its key. */
  static KeyStore keyStore(String cn, List<GeneralName> names) throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    KeyPair kp = kpg.generateKeyPair();
    X500Name name = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", kp.getPrivate(), PASSWORD, new Certificate[] {cert});
    return ks;
  }

  static SSLContext trusting(KeyStore serverKeys) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", serverKeys.getCertificate("server"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Starts the server; each request gets the next status of {@code statuses} (the last repeats). */
  URI start(KeyStore keys, int... statuses) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    AtomicInteger n = new AtomicInteger();
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"), body));
      int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
      if (status == 0) {
        try {
          release.await(); // never answer until the test ends
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (status == 302) {
        exchange.getResponseHeaders().add("Location", "/elsewhere");
      }
      byte[] answer = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.setExecutor(executor);
    server.start();
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/v1/tlsrpt");
  }

  static KeyStore localhostKeys() throws Exception {
    return keyStore("localhost", List.of(new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
  }

  static DeliveryOutcome await(java.util.concurrent.CompletionStage<DeliveryOutcome> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static EncodedReport report() {
    return MailtoReportDeliveryTest.report("Sender Example");
  }

  @Test
  void postsTheGzipReportAndAcceptsA2xxStatus() throws Exception {
    KeyStore keys = localhostKeys();
    URI uri = start(keys, 201);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().sslContext(trusting(keys)).build();
    EncodedReport report = report();

    DeliveryOutcome r = await(https.deliver(report, uri));

    // RPT-26: any 2xx is success.
    assertThat(r).isEqualTo(new DeliveryOutcome.Delivered(uri, "HTTP 201"));
    assertThat(requests).singleElement().satisfies(req -> {
      assertThat(req.method()).isEqualTo("POST");
      assertThat(req.path()).isEqualTo("/v1/tlsrpt");
      // RPT-25, RPT-29
      assertThat(req.contentType()).isEqualTo("application/tlsrpt+gzip");
      byte[] json;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(req.body()))) {
        json = in.readAllBytes();
      }
      ReportParseOutcome parsed = ReportParser.builder().build().parse(json);
      assertThat(((ReportParseOutcome.Parsed) parsed).compressed()).isFalse();
      assertThat(((ReportParseOutcome.Parsed) parsed).report()).isEqualTo(report.report());
    });
  }

  @Test
  void errorStatusesFailRetryablyOrPermanently() throws Exception {
    KeyStore keys = localhostKeys();
    URI uri = start(keys, 503, 400, 302, 429);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().sslContext(trusting(keys)).build();
    assertThat(await(https.deliver(report(), uri)))
        .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(await(https.deliver(report(), uri)))
        .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isFalse());
    assertThat(await(https.deliver(report(), uri))).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.message()).contains("302").contains("redirects are not followed");
    });
    assertThat(await(https.deliver(report(), uri)))
        .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isTrue());
    // The redirect was not followed: one request per delivery.
    assertThat(requests).hasSize(4).allMatch(req -> req.path().equals("/v1/tlsrpt"));
  }

  @Test
  void untrustedCertificatesFailUnlessIgnored() throws Exception {
    // RPT-25: validation is on by default, and may be switched off.
    KeyStore keys = keyStore("wrong.example", List.of(new GeneralName(GeneralName.dNSName, "wrong.example")));
    URI uri = start(keys, 200);
    HttpsReportDelivery strict = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().build();
    assertThat(await(strict.deliver(report(), uri))).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.cause()).isNotNull();
    });
    assertThat(requests).isEmpty();

    // Trusting the certificate is not enough: its name does not match 127.0.0.1.
    HttpsReportDelivery trustedWrongName =
        HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().sslContext(trusting(keys)).build();
    assertThat(await(trustedWrongName.deliver(report(), uri))).isInstanceOf(DeliveryOutcome.Failed.class);
    assertThat(requests).isEmpty();

    HttpsReportDelivery lax = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().ignoreCertificateErrors().build();
    assertThat(await(lax.deliver(report(), uri))).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(requests).hasSize(1);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    KeyStore keys = localhostKeys();
    URI uri = start(keys, 0);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().sslContext(trusting(keys))
        .requestTimeout(Duration.ofMillis(300)).build();
    assertThat(await(https.deliver(report(), uri))).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.message()).contains("timed out");
    });
  }

  @Test
  void aClosedPortFailsRetryably() throws Exception {
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).allowPrivateDestinations().build();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(await(https.deliver(report(), URI.create("https://127.0.0.1:" + port + "/"))))
        .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isTrue());
  }

  @Test
  @DisplayName("SEC-16: loopback destinations are refused by default, in every form, before any connection")
  void loopbackDestinationsAreRefusedByDefault() throws Exception {
    KeyStore keys = localhostKeys();
    URI uri = start(keys, 200);
    int port = uri.getPort();
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys)).build();
    for (URI u : List.of(uri, URI.create("https://localhost:" + port + "/v1/tlsrpt"),
        URI.create("https://[::ffff:127.0.0.1]:" + port + "/"), URI.create("https://[::1]:" + port + "/"))) {
      assertThat(await(https.deliver(report(), u))).as(u.toString())
          .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
            assertThat(f.retryable()).isFalse();
            assertThat(f.message()).startsWith(HttpsReportDelivery.REFUSED_DESTINATION).contains("loopback");
          });
    }
    assertThat(requests).isEmpty();

    // Allowed with the option: the same URI is delivered.
    HttpsReportDelivery allowing = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys))
        .allowPrivateDestinations().build();
    assertThat(await(allowing.deliver(report(), uri))).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(requests).hasSize(1);
  }

  /** Results of one scheduler run against the loopback receiver. */
  record Run(List<DeliveryOutcome> results, List<ReportSchedulerListener.Outcome> outcomes) {}

  /** Records one session for example.com, whose record lists {@code uris}, and sends its report. */
  Run schedule(List<URI> uris, HttpsReportDelivery https) {
    Instant noon = Instant.parse("2026-03-10T12:00:00Z");
    ManualClock clock = ManualClock.at(noon);
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    recorder.record(ReportPolicy.noPolicyFound(PolicyDomain.of("example.com")), SessionOutcome.success());
    String rua = uris.stream().map(URI::toString).collect(java.util.stream.Collectors.joining(","));
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=" + rua);
    Run run = new Run(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    ReportScheduler scheduler = ReportScheduler.builder().recorder(recorder)
        .reporter(new ReporterIdentity("Sender", "tlsrpt@sender.example")).dnsLookup(dns).clock(clock)
        .sendDelay(Duration.ZERO, Duration.ZERO).addDelivery(https).addListener(new ReportSchedulerListener() {
          @Override
          public void delivered(EncodedReport report, DeliveryOutcome.Delivered result) {
            run.results().add(result);
          }

          @Override
          public void deliveryFailed(EncodedReport report, DeliveryOutcome.Failed result) {
            run.results().add(result);
          }

          @Override
          public void finished(EncodedReport report, ReportSchedulerListener.Outcome outcome, String detail) {
            run.outcomes().add(outcome);
          }
        }).build();
    Instant t = Instant.parse("2026-03-11T00:00:00Z");
    for (int i = 0; i < 5 && run.outcomes().isEmpty(); i++) {
      clock.set(t);
      scheduler.runDue(t).toCompletableFuture().join();
      t = scheduler.nextDue().orElse(t);
    }
    return run;
  }

  static List<URI> manyUris(URI base, int n) {
    List<URI> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(base.resolve("/r" + i));
    }
    return out;
  }

  @Test
  @DisplayName("SEC-17: a record listing 200 https URIs makes at most the capped number of POSTs")
  void aRecordWithManyRuaUrisIsSentToTheCappedNumberOnly() throws Exception {
    KeyStore keys = localhostKeys();
    URI base = start(keys, 200);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys))
        .allowPrivateDestinations().build();

    Run run = schedule(manyUris(base, 200), https);

    assertThat(run.outcomes()).containsExactly(ReportSchedulerListener.Outcome.DELIVERED);
    assertThat(requests).hasSize(ReportScheduler.DEFAULT_MAX_RUA_URIS);
    assertThat(requests).extracting(Request::path)
        .containsExactlyInAnyOrderElementsOf(manyUris(base, 10).stream().map(URI::getPath).toList());
  }

  @Test
  @DisplayName("SEC-16, SEC-17: by default the scheduler posts nothing to loopback and reports why")
  void theSchedulerRefusesLoopbackRuaByDefault() throws Exception {
    KeyStore keys = localhostKeys();
    URI base = start(keys, 200);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys)).build();

    Run run = schedule(manyUris(base, 200), https);

    assertThat(requests).isEmpty();
    assertThat(run.outcomes()).containsExactly(ReportSchedulerListener.Outcome.NOT_DELIVERED);
    assertThat(run.results()).hasSize(ReportScheduler.DEFAULT_MAX_RUA_URIS).allSatisfy(r -> assertThat(r)
        .isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
            f -> assertThat(f.message()).startsWith(HttpsReportDelivery.REFUSED_DESTINATION)));
  }

  /**
   * A raw HTTPS server for one connection: reads the request head and body, then writes
   * {@code answer} as it is; returns the URI and, through the future, the request head it read.
   */
  URI rawServer(KeyStore keys, byte[] answer, CompletableFuture<String> head) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    executor.execute(() -> {
      try (server; Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        StringBuilder h = new StringBuilder();
        while (!h.toString().endsWith("\r\n\r\n")) {
          h.append((char) in.read());
        }
        int length = Integer.parseInt(h.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        in.readNBytes(length);
        head.complete(h.toString());
        s.getOutputStream().write(answer);
        s.getOutputStream().flush();
        release.await();
      } catch (Exception e) {
        head.completeExceptionally(e);
      }
    });
    return URI.create("https://127.0.0.1:" + server.getLocalPort() + "/in?x=1");
  }

  @Test
  void interimResponsesAreSkippedAndTheRequestIsPlainHttp11() throws Exception {
    // RPT-25, RPT-26
    KeyStore keys = localhostKeys();
    CompletableFuture<String> head = new CompletableFuture<>();
    byte[] answer = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    URI uri = rawServer(keys, answer, head);
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys))
        .allowPrivateDestinations().build();
    EncodedReport report = report();

    assertThat(await(https.deliver(report, uri))).isEqualTo(new DeliveryOutcome.Delivered(uri, "HTTP 202"));
    assertThat(head.get(10, TimeUnit.SECONDS)).startsWith("POST /in?x=1 HTTP/1.1\r\n")
        .contains("\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\n")
        .contains("\r\nContent-Type: application/tlsrpt+gzip\r\n")
        .contains("\r\nContent-Length: " + report.content().length + "\r\n");
  }

  @Test
  @DisplayName("SEC-16: an endless response head is cut at its byte limit")
  void anEndlessResponseHeadFailsAtItsLimit() throws Exception {
    KeyStore keys = localhostKeys();
    String interim = "HTTP/1.1 100 Continue\r\n" + "X: y\r\n".repeat(HttpsReportDelivery.MAX_RESPONSE_HEAD_BYTES / 6);
    URI uri = rawServer(keys, interim.getBytes(java.nio.charset.StandardCharsets.US_ASCII), new CompletableFuture<>());
    HttpsReportDelivery https = HttpsReportDelivery.builder().executor(executor).sslContext(trusting(keys))
        .allowPrivateDestinations().build();
    assertThat(await(https.deliver(report(), uri))).isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
        f -> assertThat(f.message()).contains("exceeds " + HttpsReportDelivery.MAX_RESPONSE_HEAD_BYTES));
  }

  @Test
  @DisplayName("SEC-16: the option is set once")
  void allowingPrivateDestinationsIsSetOnce() {
    assertThatIllegalStateException().isThrownBy(
        () -> HttpsReportDelivery.builder().allowPrivateDestinations().allowPrivateDestinations());
  }

  @Test
  void trustOptionsAreExclusive() {
    assertThatIllegalStateException().isThrownBy(
        () -> HttpsReportDelivery.builder().ignoreCertificateErrors().sslContext(SSLContext.getDefault()));
    assertThatIllegalStateException().isThrownBy(() -> HttpsReportDelivery.builder().build());
  }
}
