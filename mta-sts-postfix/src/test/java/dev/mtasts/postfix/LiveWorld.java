package dev.mtasts.postfix;

import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.AddressResolver;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.LoopbackNameserver;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * Real servers on loopback for the Postfix ITs: one {@link LoopbackNameserver} that routes each
 * {@link FakeDomain}'s zone to its knotd (and forwards its policy host to port 443), and our
 * {@link PostfixPolicyServer} on a free port, resolving through that name server with dnsjava and
 * fetching over HTTPS trusting only the test CA, exactly as Debian's {@code mta-sts-daemon} and
 * Postfix do in the same namespace. Zones: {@code postfix} (defaults), {@code strict}
 * (strict testing), {@code temp} (TEMP on failure), {@code tlsrpt} (Postfix 3.10 attributes).
 */
final class LiveWorld implements AutoCloseable {
  final TestPki pki = TestPki.create();
  final LoopbackNameserver ns;
  final Map<String, FakeDomain> domains = new LinkedHashMap<>();
  private final List<AutoCloseable> others = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private PostfixPolicyServer server;
  private int port;

  LiveWorld() throws IOException {
    ns = LoopbackNameserver.start();
  }

  /** Starts a fake domain and routes its zone; a second one with the same name re-routes it. */
  FakeDomain domain(String name, UnaryOperator<FakeDomain.Builder> spec) throws IOException {
    FakeDomain d = spec.apply(FakeDomain.builder(name, pki)).start();
    others.add(d);
    domains.put(name, d);
    ns.route(d);
    return d;
  }

  /** A lookup that may fail with an I/O error. */
  @FunctionalInterface
  interface Lookups {
    void run() throws IOException;
  }

  /**
   * Sets a scenario's domain up; for a two-step scenario runs {@code firstLookups} on the first
   * version, then switches to the second; for a DNS failure makes the zone fail.
   */
  void prepare(Scenarios.Scenario s, Lookups firstLookups) throws IOException {
    domain(s.domain(), s.spec());
    if (s.then() != null) {
      firstLookups.run();
      domain(s.domain(), s.then());
    }
    if (s.servfail()) {
      ns.fail(s.domain());
    }
  }

  /** Starts our daemon: TXT looked up on every query, so that a record change is seen at once. */
  void startOurs() throws IOException {
    String server = ns.address().getAddress().getHostAddress() + ":53";
    DnsjavaLookup dns = DnsjavaLookup.builder().servers(server)
        .queryTimeout(Duration.ofSeconds(3)).deadline(Duration.ofSeconds(10)).executor(threads).build();
    HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
        .addressResolver(AddressResolver.from(dns))
        .trustManager(pki.trustManager())
        .deadline(Duration.ofSeconds(20))
        .build();
    MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher)
        .txtRecheckInterval(Duration.ZERO).backgroundRecheck(false).executor(threads).build();
    // Generous deadlines: a loaded CI machine must not turn an answer into TIMEOUT; no case waits on them.
    ZoneOptions zone = ZoneOptions.defaults().withQueryTimeout(Duration.ofSeconds(60));
    this.server = PostfixPolicyServer.builder()
        .resolver(resolver)
        .zone("postfix", zone)
        .zone("strict", zone.withStrictTesting(true))
        .zone("temp", zone.withTempFailure(ZoneOptions.TempFailureAnswer.TEMP))
        .zone("tlsrpt", zone.withTlsrpt(true))
        .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .executor(threads)
        .scheduler(scheduler)
        .build();
    this.port = this.server.start();
  }

  int port() {
    return port;
  }

  /** Our daemon's table for Postfix, in zone {@code zone}. */
  String table(String zone) {
    return "socketmap:inet:127.0.0.1:" + port + ":" + zone;
  }

  /** Writes the test CA to a file, for {@code smtp_tls_CAfile}. */
  Path caFile() throws IOException {
    Path f = Files.createTempFile("mtasts-ca-", ".pem");
    f.toFile().deleteOnExit();
    Files.writeString(f, pki.caPem());
    return f;
  }

  /** Closes {@code c} with the world. */
  <T extends AutoCloseable> T own(T c) {
    others.add(0, c);
    return c;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    for (AutoCloseable c : others) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: the others must still be closed
      }
    }
    ns.close();
    threads.shutdownNow();
    scheduler.shutdownNow();
  }
}
