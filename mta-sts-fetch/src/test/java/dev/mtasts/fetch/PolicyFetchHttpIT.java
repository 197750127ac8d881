package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.HOST;
import static dev.mtasts.fetch.Fetches.PATH;
import static dev.mtasts.fetch.Fetches.assertFailed;
import static dev.mtasts.fetch.Fetches.assertFetched;
import static dev.mtasts.fetch.Fetches.fetch;
import static dev.mtasts.fetch.Fetches.fetcher;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP rules of RFC 8461 §3.3 against a real HTTPS server (HTTP/1.1) on loopback. */
@Timeout(60)
class PolicyFetchHttpIT {
  private static final byte[] POLICY = PolicyHost.POLICY.getBytes(StandardCharsets.UTF_8);
  private static TestPki pki;
  private static TestPki.Issued credential;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts http test root");
    credential = pki.leaf().dnsNames(HOST).issue();
  }

  private static Fetches.Served serve(HttpHandler handler) throws Exception {
    return Fetches.serve(pki, credential, handler);
  }

  private static PolicyFetchOutcome.Fetched fetched(HttpHandler handler) throws Exception {
    return assertFetched(serve(handler).timed());
  }

  @Test
  void validPolicyIsFetchedFromTheWellKnownUrlWithSniAndTheCertificate() throws Exception {
    // FET-1, FET-2, FET-5
    Fetches.Served served = serve(PolicyHost.policy());
    PolicyFetchOutcome.Fetched f = assertFetched(served.timed());

    assertThat(f.body()).isEqualTo(POLICY);
    assertThat(f.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
    assertThat(f.policy().mx()).containsExactly(MxPattern.of("mail.example.test"),
        MxPattern.of("*.mx.example.test"));
    assertThat(f.policy().maxAgeSeconds()).isEqualTo(86400);
    assertThat(f.warnings()).isEmpty();
    assertThat(f.contentType()).isEqualTo("text/plain");
    assertThat(f.certificate()).isEqualTo(CertificateSummary.of(credential.certificate()));
    assertThat(f.certificate().dnsNames()).containsExactly(HOST);

    assertThat(served.tunnels()).containsExactly(HOST + ":443");
    assertThat(served.sniNames()).containsExactly(HOST);
    assertThat(served.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.path()).isEqualTo(PATH);
      assertThat(r.headers().getFirst("Host")).isEqualTo(HOST);
      assertThat(r.tlsProtocol()).isEqualTo("TLSv1.3");
    });
  }

  @Test
  void userAgentNamesTheLibraryAndItsVersion() throws Exception {
    String version = System.getProperty("mtasts.expected.version");
    assertThat(version).as("set by the build").isNotBlank();
    Fetches.Served byDefault = serve(PolicyHost.policy());
    Fetches.Served configured = Fetches.serve(pki, credential, PolicyHost.policy(),
        b -> b.userAgent("example-mta/2.1 (ops@example.test)"));

    // The integration tests run against the packaged jar, so this is the jar's version.
    assertThat(byDefault.requests()).singleElement().extracting(r -> r.headers().getFirst("User-Agent"))
        .isEqualTo("mta-sts-java/" + version);
    assertThat(configured.requests()).singleElement().extracting(r -> r.headers().getFirst("User-Agent"))
        .isEqualTo("example-mta/2.1 (ops@example.test)");
  }

  @Test
  void noHttpCacheIsUsedAndNoConditionalRequestIsMade() throws Exception {
    // FET-8: Cache-Control, Expires and ETag are ignored; every fetch reaches the server.
    HttpHandler cacheable = exchange -> {
      exchange.getResponseHeaders().set("Cache-Control", "public, max-age=31536000, immutable");
      exchange.getResponseHeaders().set("Expires", "Thu, 01 Jan 2099 00:00:00 GMT");
      exchange.getResponseHeaders().set("ETag", "\"v1\"");
      exchange.getResponseHeaders().set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT");
      PolicyHost.policy().handle(exchange);
    };
    try (PolicyHost host = PolicyHost.start(credential, cacheable);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      HttpPolicyFetcher fetcher = fetcher(pki, proxy).build();
      assertFetched(fetch(fetcher));
      assertFetched(fetch(fetcher));

      assertThat(host.requests()).hasSize(2).allSatisfy(r -> {
        assertThat(r.headers()).doesNotContainKeys("If-none-match", "If-modified-since", "If-match",
            "If-unmodified-since", "If-range", "Cache-control", "Pragma");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectIsNeverFollowed(int status) throws Exception {
    // FET-7
    Fetches.Served served = serve(exchange -> {
      if (exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.getResponseHeaders().set("Location", "https://" + HOST + "/moved.txt");
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      } else {
        PolicyHost.policy().handle(exchange);
      }
    });
    PolicyFetchOutcome.Failed f = assertFailed(served.timed(), FetchFailure.REDIRECT, "sts-policy-fetch-error");

    assertThat(f.status()).isEqualTo(status);
    assertThat(f.message()).contains("/moved.txt");
    assertThat(f.certificate()).isNotNull();
    assertThat(served.requests()).extracting(PolicyHost.Request::path).containsExactly(PATH);
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 500, 204, 203, 503})
  void anyStatusOtherThan200IsAFetchFailure(int status) throws Exception {
    // FET-6: even a 2xx other than 200, and even when the body holds a valid policy.
    byte[] body = status == 204 ? new byte[0] : POLICY;
    PolicyFetchOutcome.Failed f = assertFailed(serve(PolicyHost.respond(status, "text/plain", body)).timed(),
        FetchFailure.HTTP_STATUS, "sts-policy-fetch-error");

    assertThat(f.status()).isEqualTo(status);
    assertThat(f.message()).contains(Integer.toString(status));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "application/octet-stream", "text/plain-ish", "text/plainx", ""})
  void otherMediaTypeIsRejectedByDefault(String contentType) throws Exception {
    // FET-9, SEC-5
    PolicyFetchOutcome.Failed f = assertFailed(serve(PolicyHost.respond(200, contentType, POLICY)).timed(),
        FetchFailure.CONTENT_TYPE, "sts-policy-invalid");

    assertThat(f.status()).isEqualTo(200);
    assertThat(f.message()).contains("text/plain");
  }

  @Test
  void missingMediaTypeIsRejectedByDefault() throws Exception {
    // FET-9
    PolicyFetchOutcome.Failed f = assertFailed(serve(PolicyHost.respond(200, null, POLICY)).timed(),
        FetchFailure.CONTENT_TYPE, "sts-policy-invalid");

    assertThat(f.message()).contains("no Content-Type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html; charset=utf-8", "@none"})
  void warnModeAcceptsAnotherOrMissingMediaTypeWithAWarning(String contentType) throws Exception {
    // FET-9: SHOULD, so a sender may only warn.
    String header = contentType.equals("@none") ? null : contentType;
    PolicyFetchOutcome.Fetched f = assertFetched(Fetches.serve(pki, credential,
        PolicyHost.respond(200, header, POLICY), b -> b.contentTypeMode(ContentTypeMode.WARN)).timed());

    assertThat(f.contentType()).isEqualTo(header == null ? "" : header);
    assertThat(f.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_CONTENT_TYPE);
    assertThat(f.warnings().get(0).isError()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain; charset=utf-8", "TEXT/Plain;Charset=\"UTF-8\"",
      "text/plain ; charset=us-ascii ; format=flowed", "text/plain;foo=bar"})
  void textPlainWithAnyParametersIsAccepted(String contentType) throws Exception {
    // FET-9: only charset matters, other parameters are ignored
    PolicyFetchOutcome.Fetched f = fetched(PolicyHost.respond(200, contentType, POLICY));

    assertThat(f.contentType()).isEqualTo(contentType);
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void anotherCharsetIsAcceptedWithAWarningAndTheBodyReadAsUtf8() throws Exception {
    // FET-9: the policy is UTF-8 whatever the label says (POL-17)
    PolicyFetchOutcome.Fetched f = fetched(PolicyHost.respond(200, "text/plain; charset=iso-8859-1", POLICY));

    assertThat(f.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_CHARSET);
    assertThat(f.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
  }

  @Test
  void invalidPolicyFailsWithTheParseProblems() throws Exception {
    byte[] invalid = "version: STSv1\nmode: live\nmx: mail.example.test\nmax_age: 86400\n"
        .getBytes(StandardCharsets.UTF_8);
    PolicyFetchOutcome.Failed f = assertFailed(serve(PolicyHost.respond(200, "text/plain", invalid)).timed(),
        FetchFailure.INVALID_POLICY, "sts-policy-invalid");

    assertThat(f.problems()).extracting(ParseProblem::code).contains(ProblemCode.POLICY_INVALID_MODE);
    assertThat(f.certificate()).isNotNull();
  }

  @Test
  void deviationsTheLenientReadingToleratesAreReportedAsWarnings() throws Exception {
    byte[] sloppy = "version: STSv1\nmode: testing\nmx: mail.example.test.\nmax_age: 86400\n\n"
        .getBytes(StandardCharsets.UTF_8);
    PolicyFetchOutcome.Fetched f = fetched(PolicyHost.respond(200, "text/plain", sloppy));

    assertThat(f.body()).isEqualTo(sloppy);
    assertThat(f.policy().mx()).containsExactly(MxPattern.of("mail.example.test"));
    assertThat(f.warnings()).extracting(ParseProblem::code)
        .contains(ProblemCode.POLICY_MX_TRAILING_DOT, ProblemCode.POLICY_BLANK_LINE);
  }

  @Test
  void tls12OnlyServerIsAccepted() throws Exception {
    // FET-14: TLS 1.2 or later
    try (PolicyHost host = PolicyHost.start(credential, new String[] {"TLSv1.2"}, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(host.requests()).singleElement().extracting(PolicyHost.Request::tlsProtocol)
          .isEqualTo("TLSv1.2");
    }
  }

  @Test
  void elapsedTimeComesFromTheInjectedClock() throws Exception {
    AtomicLong reads = new AtomicLong();
    InstantSource clock = () -> Instant.EPOCH.plusSeconds(7 * reads.getAndIncrement());
    PolicyFetchOutcome.Fetched f = assertFetched(Fetches.serve(pki, credential, PolicyHost.policy(),
        b -> b.clock(clock)).timed());

    assertThat(f.elapsed()).isEqualTo(Duration.ofSeconds(7));
    assertThat(reads.get()).isEqualTo(2);
  }

  @Test
  void bodyWrittenInManySmallPiecesArrivesWhole() throws Exception {
    PolicyFetchOutcome.Fetched f = fetched(exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (byte b : POLICY) {
          out.write(b);
          out.flush();
        }
      }
    });
    assertThat(f.body()).isEqualTo(POLICY);
  }

  @Test
  void oneFetcherServesConcurrentFetches() throws Exception {
    // One HttpClient, one SSLContext and one trust manager shared by parallel fetches.
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      HttpPolicyFetcher fetcher = fetcher(pki, proxy).build();
      List<CompletableFuture<PolicyFetchOutcome>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(fetcher.fetch(Fetches.DOMAIN).toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      assertThat(all).allSatisfy(cf -> assertThat(cf.join()).isInstanceOf(PolicyFetchOutcome.Fetched.class));
      assertThat(host.requests()).hasSize(20);
    }
  }
}
