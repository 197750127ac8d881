package dev.mtasts.benchmarks;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.postfix.PostfixPolicyServer;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * This project's Postfix policy server ({@code mta-sts-postfix}) as {@link SocketmapLoad} runs it,
 * in a JVM of its own: a resolver on real DNS (dnsjava, to knotd) and real HTTPS (the fetcher, to
 * the loopback policy host, trusting the test CA), behind a {@link PostfixPolicyServer} on
 * loopback, with the thread pools of {@code PostfixDaemon} (two resolver threads, one timer, a
 * thread per connection). It runs until it is killed.
 *
 * <p>Why not {@code PostfixDaemon} itself: its fetcher connects to port 443 and trusts the system's
 * CAs only, and its store is a directory, whose crash-safe writes (an fsync per entry) take about
 * 80 entries/s here: pre-filling 100,000 would take 20 minutes. The measured path, a cached
 * lookup through {@link PostfixPolicyServer} and the resolver's hot path, is the same.
 *
 * <pre>
 * java -Djavax.net.ssl.trustStore=ca.p12 -Djavax.net.ssl.trustStorePassword=... SocketmapDaemon \\
 *     --port=P --dns=127.0.0.1:53 --https=127.0.0.1:443 --max-domains=N [--prefill=FILE] [--remove-on-cancel]
 * </pre>
 *
 * <p>{@code --prefill}: the policy store starts with one entry per line of FILE
 * ({@code domain<TAB>id<TAB>policy}, newlines as {@code \n}), fetched now, as after a restart with a
 * persistent store (CAC-18).
 */
public final class SocketmapDaemon {
  private SocketmapDaemon() {}

  /**
   * Starts the server.
   *
   * @param args the options above
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      o.put(kv[0], kv.length == 2 ? kv[1] : "");
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ExecutorService workers = Executors.newFixedThreadPool(2, r -> thread(r, "resolver"));
    // As PostfixDaemon's timer; --remove-on-cancel measures the same server with cancelled idle
    // timeouts removed from the timer's queue at once (see docs/performance.md).
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> thread(r, "timers"));
    timers.setRemoveOnCancelPolicy(o.containsKey("remove-on-cancel"));
    PolicyStore store = PolicyStore.inMemory();
    String prefill = o.get("prefill");
    if (prefill != null) {
      Instant now = Instant.now();
      for (String line : Files.readAllLines(Path.of(prefill), StandardCharsets.US_ASCII)) {
        String[] f = line.split("\t", 3);
        String text = f[2].replace("\\n", "\r\n");
        Instant expires = now.plus(MtaStsPolicy.parse(text).maxAge());
        store.save(new StoredPolicy(PolicyDomain.of(f[0]), f[1], text, now, expires)).toCompletableFuture().join();
      }
    }
    InetSocketAddress https = hostPort(o.get("https"));
    MtaStsResolver resolver = MtaStsResolver.builder()
        .dnsLookup(DnsjavaLookup.builder().servers(o.get("dns")).executor(workers).scheduler(timers).build())
        // The JDK's default trust store, which the parent points at the test CA (javax.net.ssl.trustStore).
        .policyFetcher(HttpPolicyFetcher.builder()
            .addressResolver(host -> CompletableFuture.completedStage(List.of(https.getAddress())))
            .port(https.getPort()).executor(workers).build())
        .policyStore(store)
        .executor(workers)
        .maxCachedDomains(Integer.parseInt(o.get("max-domains")))
        .build();
    PostfixPolicyServer server = PostfixPolicyServer.builder()
        .resolver(resolver)
        .tcp(new InetSocketAddress(loopback, Integer.parseInt(o.get("port"))))
        .executor(Executors.newCachedThreadPool(r -> thread(r, "connection")))
        .scheduler(timers)
        .build();
    server.start();
    new CountDownLatch(1).await();
  }

  private static InetSocketAddress hostPort(String text) {
    int colon = text.lastIndexOf(':');
    return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, "mta-sts-postfix-" + name);
    t.setDaemon(true);
    return t;
  }
}
