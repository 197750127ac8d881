package dev.mtasts.fetch;

import static dev.mtasts.fetch.Fetches.DOMAIN;
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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
  private static TestPki.Credential credential;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("mta-sts http test root");
    credential = pki.issue(TestPki.CertSpec.dns(HOST));
  }

  @Test
  void validPolicyIsFetchedFromTheWellKnownUrlWithSniAndTheCertificate() throws Exception {
    // FET-1, FET-2, FET-5
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(f.body()).isEqualTo(POLICY);
      assertThat(f.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
      assertThat(f.policy().mx()).containsExactly(MxPattern.of("mail.example.test"),
          MxPattern.of("*.mx.example.test"));
      assertThat(f.policy().maxAgeSeconds()).isEqualTo(86400);
      assertThat(f.warnings()).isEmpty();
      assertThat(f.contentType()).isEqualTo("text/plain");
      assertThat(f.certificate()).isEqualTo(CertificateSummary.of(credential.leaf()));
      assertThat(f.certificate().dnsNames()).containsExactly(HOST);

      assertThat(proxy.targets()).containsExactly(HOST + ":443");
      assertThat(host.sniNames()).containsExactly(HOST);
      assertThat(host.requests()).singleElement().satisfies(r -> {
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo(PATH);
        assertThat(r.headers().getFirst("Host")).isEqualTo(HOST);
        assertThat(r.tlsProtocol()).isEqualTo("TLSv1.3");
      });
    }
  }

  @Test
  void userAgentNamesTheLibraryAndItsVersion() throws Exception {
    String version = System.getProperty("mtasts.expected.version");
    assertThat(version).as("set by the build").isNotBlank();
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertFetched(fetch(fetcher(pki, proxy).build()));
      assertFetched(fetch(fetcher(pki, proxy).userAgent("example-mta/2.1 (ops@example.test)").build()));

      assertThat(host.requests()).extracting(r -> r.headers().getFirst("User-Agent"))
          .containsExactly("mta-sts-java/" + version, "example-mta/2.1 (ops@example.test)");
    }
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
    HttpHandler redirect = exchange -> {
      if (exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.getResponseHeaders().set("Location", "https://" + HOST + "/moved.txt");
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      } else {
        PolicyHost.policy().handle(exchange);
      }
    };
    try (PolicyHost host = PolicyHost.start(credential, redirect);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.REDIRECT,
          "sts-policy-fetch-error");

      assertThat(f.status()).isEqualTo(status);
      assertThat(f.message()).contains("/moved.txt");
      assertThat(f.certificate()).isNotNull();
      assertThat(host.requests()).extracting(PolicyHost.Request::path).containsExactly(PATH);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 500, 204, 203, 503})
  void anyStatusOtherThan200IsAFetchFailure(int status) throws Exception {
    // FET-6: even a 2xx other than 200, and even when the body holds a valid policy.
    byte[] body = status == 204 ? new byte[0] : POLICY;
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(status, "text/plain", body));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.HTTP_STATUS,
          "sts-policy-fetch-error");

      assertThat(f.status()).isEqualTo(status);
      assertThat(f.message()).contains(Integer.toString(status));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "application/octet-stream", "text/plain-ish", "text/plainx", ""})
  void otherMediaTypeIsRejectedByDefault(String contentType) throws Exception {
    // FET-9, SEC-5
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, contentType, POLICY));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.CONTENT_TYPE,
          "sts-policy-invalid");

      assertThat(f.status()).isEqualTo(200);
      assertThat(f.message()).contains("text/plain");
    }
  }

  @Test
  void missingMediaTypeIsRejectedByDefault() throws Exception {
    // FET-9
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, null, POLICY));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()), FetchFailure.CONTENT_TYPE,
          "sts-policy-invalid");

      assertThat(f.message()).contains("no Content-Type");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html; charset=utf-8", "@none"})
  void warnModeAcceptsAnotherOrMissingMediaTypeWithAWarning(String contentType) throws Exception {
    // FET-9: SHOULD, so a sender may only warn.
    String header = contentType.equals("@none") ? null : contentType;
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, header, POLICY));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy)
          .contentTypeMode(ContentTypeMode.WARN).build()));

      assertThat(f.contentType()).isEqualTo(header == null ? "" : header);
      assertThat(f.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_CONTENT_TYPE);
      assertThat(f.warnings().get(0).isError()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain; charset=utf-8", "TEXT/Plain;Charset=\"UTF-8\"",
      "text/plain ; charset=us-ascii ; format=flowed", "text/plain;foo=bar"})
  void textPlainWithAnyParametersIsAccepted(String contentType) throws Exception {
    // FET-9: only charset matters, other parameters are ignored
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, contentType, POLICY));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(f.contentType()).isEqualTo(contentType);
      assertThat(f.warnings()).isEmpty();
    }
  }

  @Test
  void anotherCharsetIsAcceptedWithAWarningAndTheBodyReadAsUtf8() throws Exception {
    // FET-9: the policy is UTF-8 whatever the label says (POL-17)
    try (PolicyHost host = PolicyHost.start(credential,
            PolicyHost.respond(200, "text/plain; charset=iso-8859-1", POLICY));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(f.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_CHARSET);
      assertThat(f.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
    }
  }

  @Test
  void invalidPolicyFailsWithTheParseProblems() throws Exception {
    byte[] invalid = "version: STSv1\nmode: live\nmx: mail.example.test\nmax_age: 86400\n"
        .getBytes(StandardCharsets.UTF_8);
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, "text/plain", invalid));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Failed f = assertFailed(fetch(fetcher(pki, proxy).build()),
          FetchFailure.INVALID_POLICY, "sts-policy-invalid");

      assertThat(f.problems()).extracting(ParseProblem::code).contains(ProblemCode.POLICY_INVALID_MODE);
      assertThat(f.certificate()).isNotNull();
    }
  }

  @Test
  void deviationsTheLenientReadingToleratesAreReportedAsWarnings() throws Exception {
    byte[] sloppy = "version: STSv1\nmode: testing\nmx: mail.example.test.\nmax_age: 86400\n\n"
        .getBytes(StandardCharsets.UTF_8);
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.respond(200, "text/plain", sloppy));
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).build()));

      assertThat(f.body()).isEqualTo(sloppy);
      assertThat(f.policy().mx()).containsExactly(MxPattern.of("mail.example.test"));
      assertThat(f.warnings()).extracting(ParseProblem::code)
          .contains(ProblemCode.POLICY_MX_TRAILING_DOT, ProblemCode.POLICY_BLANK_LINE);
    }
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
    try (PolicyHost host = PolicyHost.start(credential, PolicyHost.policy());
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      PolicyFetchOutcome.Fetched f = assertFetched(fetch(fetcher(pki, proxy).clock(clock).build()));

      assertThat(f.elapsed()).isEqualTo(Duration.ofSeconds(7));
      assertThat(reads.get()).isEqualTo(2);
    }
  }

  @Test
  void bodyIsReadToItsEndAndKeptByteForByte() throws Exception {
    // A body written in many small pieces arrives whole.
    HttpHandler pieces = exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (byte b : POLICY) {
          out.write(b);
          out.flush();
        }
      }
    };
    try (PolicyHost host = PolicyHost.start(credential, pieces);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      assertThat(assertFetched(fetch(fetcher(pki, proxy).build())).body()).isEqualTo(POLICY);
    }
  }
}
