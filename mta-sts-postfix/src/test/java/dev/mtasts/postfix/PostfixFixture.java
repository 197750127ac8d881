package dev.mtasts.postfix;

import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A server on a free loopback port, answering from a resolver wired to fakes; the resolver and the
 * server both measure time on the manual clock's ticker.
 */
final class PostfixFixture implements AutoCloseable {
  static final String POLICY_ENFORCE =
      "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.backup.example.com\nmax_age: 86400\n";
  static final String POLICY_TESTING = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";
  static final String POLICY_NONE = "version: STSv1\nmode: none\nmax_age: 86400\n";

  final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  final FakeDnsLookup dns = FakeDnsLookup.create();
  final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ExecutorService threads = Executors.newCachedThreadPool();
  final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  final MtaStsResolver resolver;
  final PostfixPolicyServer server;
  final int port;

  PostfixFixture() throws IOException {
    this(b -> { });
  }

  PostfixFixture(Consumer<PostfixPolicyServer.Builder> options) throws IOException {
    this(PolicyStore.inMemory(), null, options);
  }

  PostfixFixture(PolicyStore store, @Nullable PolicyFetcher otherFetcher,
      Consumer<PostfixPolicyServer.Builder> options) throws IOException {
    resolver = MtaStsResolver.builder().dnsLookup(dns)
        .policyFetcher(otherFetcher != null ? otherFetcher : fetcher).policyStore(store)
        .clock(clock).ticker(clock.ticker()).backgroundRecheck(false).build();
    PostfixPolicyServer.Builder b = PostfixPolicyServer.builder().resolver(resolver)
        .executor(threads).scheduler(scheduler).meterRegistry(registry).ticker(clock.ticker());
    options.accept(b);
    b.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server = b.build();
    port = server.start();
  }

  /** Publishes a policy for a domain: its TXT record and its body. */
  PostfixFixture publish(String domain, String id, String policy) {
    dns.putTxt("_mta-sts." + domain, "v=STSv1; id=" + id);
    fetcher.serve(domain, policy);
    return this;
  }

  SocketmapClient client() throws IOException {
    return SocketmapClient.tcp(port);
  }

  /** One query on a fresh connection. */
  @Nullable String query(String request) throws IOException {
    try (SocketmapClient c = client()) {
      return c.query(request);
    }
  }

  @Override
  public void close() {
    server.shutdown(Duration.ofSeconds(5));
    threads.shutdownNow();
    scheduler.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
