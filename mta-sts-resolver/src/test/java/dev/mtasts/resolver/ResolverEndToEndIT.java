package dev.mtasts.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.testing.KnotServer;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver with its real parts: dnsjava against knotd, and the HTTPS fetcher against a policy
 * host with a test CA, reached with its real name through a CONNECT proxy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResolverEndToEndIT {
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.good.example.test\nmax_age: 604800\n";
  static TestPki pki;
  static KnotServer knot;
  static PolicyHost host;
  static TunnelProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create();
    knot = KnotServer.start(Map.of("example.test", """
        $TTL 300
        @ SOA ns hostmaster 1 3600 600 86400 300
        @ NS ns
        ns A 127.0.0.1
        _mta-sts.good TXT "v=spf1 -all"
        _mta-sts.good TXT "v=STSv1; id=20260301"
        _mta-sts.broken TXT "v=STSv1; id=1"
        _mta-sts.delegated CNAME _mta-sts.good
        """));
    host = PolicyHost.start(pki.leaf().dnsNames("mta-sts.good.example.test", "mta-sts.broken.example.test",
        "mta-sts.delegated.example.test").issue(), exchange -> {
          String h = exchange.getRequestHeaders().getFirst("Host");
          if (h != null && h.startsWith("mta-sts.broken.")) {
            PolicyHost.respond(500, "text/plain", new byte[0]).handle(exchange);
          } else {
            PolicyHost.respond(200, "text/plain", POLICY.getBytes(StandardCharsets.UTF_8)).handle(exchange);
          }
        });
    proxy = TunnelProxy.to(host.address());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {knot, host, proxy}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // teardown
      }
    }
  }

  static MtaStsResolver resolver(PolicyStore store, String dnsServer, List<MtaStsEvent> events) {
    return MtaStsResolver.builder()
        .dnsLookup(DnsjavaLookup.builder().servers(dnsServer).queryTimeout(Duration.ofMillis(500))
            .deadline(Duration.ofSeconds(3)).build())
        .policyFetcher(HttpPolicyFetcher.builder().proxy(proxy.selector()).trustManager(pki.trustManager())
            .deadline(Duration.ofSeconds(10)).build())
        .policyStore(store).backgroundRecheck(false).addListener(events::add).build();
  }

  @Test
  void aPublishedPolicyIsDiscoveredFetchedAndCached() {
    List<MtaStsEvent> events = new CopyOnWriteArrayList<>();
    MtaStsResolver r = resolver(PolicyStore.inMemory(), knot.hostPort(), events);
    PolicyResolution first = r.resolveSync("good.example.test");
    assertThat(first).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policyId()).isEqualTo("20260301");
      assertThat(a.isEnforced()).isTrue();
      assertThat(a.policy().matches("mx.good.example.test")).isTrue();
      assertThat(a.policyText()).isEqualTo(POLICY);
      assertThat(a.trace().txt().status()).isEqualTo(TxtStatus.FOUND);
    });
    assertThat(r.resolveSync("good.example.test")).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.CACHED));
    assertThat(host.sniNames()).contains("mta-sts.good.example.test");
    assertThat(events).filteredOn(e -> e instanceof MtaStsEvent.PolicyFetched).hasSize(1);
  }

  @Test
  void aCnameDelegatedRecordIsFollowed() {
    // TXT-10
    PolicyResolution r = resolver(PolicyStore.inMemory(), knot.hostPort(), new CopyOnWriteArrayList<>())
        .resolveSync("delegated.example.test");
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.policyId()).isEqualTo("20260301"));
  }

  @Test
  void noRecordAndAFailingPolicyHostMeanNoPolicy() {
    // TXT-7, CAC-5
    List<MtaStsEvent> events = new CopyOnWriteArrayList<>();
    MtaStsResolver r = resolver(PolicyStore.inMemory(), knot.hostPort(), events);
    assertThat(r.resolveSync("absent.example.test")).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class,
        n -> assertThat(n.reason()).isEqualTo(NoPolicyReason.NO_RECORD));
    assertThat(r.resolveSync("broken.example.test")).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class,
        n -> assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_FAILED));
    assertThat(events).filteredOn(e -> e instanceof MtaStsEvent.PolicyFetchFailed).singleElement()
        .satisfies(e -> assertThat(e.resultType()).contains(TlsRptResultType.STS_POLICY_FETCH_ERROR));
  }

  @Test
  void afterARestartWithDnsDownTheStoredPolicyStillApplies(@TempDir Path dir) throws Exception {
    // CAC-6, SEC-3 and the file store: no trust-on-first-use window after a restart.
    resolver(PolicyStore.inDirectory(dir), knot.hostPort(), new CopyOnWriteArrayList<>()).resolveSync("good.example.test");
    String deadServer;
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      deadServer = "127.0.0.1:" + s.getLocalPort();
    }
    MtaStsResolver restarted = resolver(PolicyStore.inDirectory(dir), deadServer, new CopyOnWriteArrayList<>());
    PolicyResolution r = restarted.resolveSync("good.example.test");
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.source()).isEqualTo(PolicySource.CACHED_AFTER_FAILURE);
      assertThat(a.trace().txt().status()).isEqualTo(TxtStatus.DNS_FAILURE);
      assertThat(a.domain()).isEqualTo(PolicyDomain.of("good.example.test"));
    });
  }
}
