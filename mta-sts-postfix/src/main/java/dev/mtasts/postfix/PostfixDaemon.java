package dev.mtasts.postfix;

import dev.mtasts.core.SafeText;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Text;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.postfix.internal.MetricsEndpoint;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.delivery.DaneDetector;
import dev.mtasts.resolver.delivery.DnsDaneDetector;
import dev.mtasts.micrometer.MtaStsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mta-sts-postfix} daemon: reads a {@link DaemonConfig}, builds the resolver (dnsjava,
 * the HTTPS fetcher, a persistent store), runs the {@link PostfixPolicyServer}, the proactive
 * refresh rounds and the {@code /metrics} endpoint, and stops gracefully on SIGTERM.
 *
 * <pre>
 * java -jar mta-sts-postfix.jar [--config FILE] [--check-config] [--verbose]
 * mta-sts postfix [--config FILE] [--check-config] [--verbose]
 * </pre>
 *
 * <p>Exit codes: 0 the configuration is valid ({@code --check-config}) or help was shown, 1
 * configuration errors, 2 usage error, 3 could not start (a port or socket in use, the store
 * directory not writable). A running daemon stops on SIGTERM or SIGINT: the shutdown hook stops
 * gracefully, then the JVM exits with its own status for the signal (143 for SIGTERM, 130 for
 * SIGINT). Documented in docs/postfix.md.
 *
 * <p>Threads: the daemon owns every thread it uses (all daemon threads, named
 * {@code mta-sts-postfix-*}): the connection pool (at most {@code max_connections} + 4), one
 * timer for idle timeouts and DNS deadlines, one thread for refresh rounds, a pool of 2 for the
 * resolver's continuations, a pool for the HTTPS fetches (at most 64), one for {@code /metrics}.
 */
public final class PostfixDaemon implements AutoCloseable {
  /**
   * The logger, created on first use: {@link #run} sets the log level from {@code --verbose} before
   * any logger exists, which is when slf4j-simple reads it.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(PostfixDaemon.class);
  }

  /** Exit code: configuration errors. */
  public static final int CONFIG_ERRORS = 1;
  /** Exit code: usage error. */
  public static final int USAGE = 2;
  /** Exit code: the daemon could not start. */
  public static final int START_FAILED = 3;

  private static final String USAGE_TEXT = String.join("\n",
      "Usage: mta-sts-postfix [--config FILE] [--check-config] [--verbose]",
      "An MTA-STS policy server for Postfix's smtp_tls_policy_maps (socketmap).",
      "  -c, --config FILE   the YAML configuration (default " + DaemonConfig.DEFAULT_FILE + "; defaults if absent)",
      "      --check-config  check the configuration and exit: 0 valid, 1 errors",
      "  -v, --verbose       log each query (debug level)",
      "  -h, --help          show this help",
      "main.cf: smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8461:postfix",
      "Exit codes: 0 valid, 1 configuration errors, 2 usage error, 3 could not start;",
      "SIGTERM stops gracefully (exit status 143).");

  private final PostfixPolicyServer server;
  private final @Nullable MetricsEndpoint metrics;
  private final ScheduledFuture<?> refreshes;
  private final DaemonConfig config;
  private final List<ExecutorService> pools;
  private final int tcpPort;
  private boolean closed;

  private PostfixDaemon(PostfixPolicyServer server, @Nullable MetricsEndpoint metrics, ScheduledFuture<?> refreshes,
      DaemonConfig config, List<ExecutorService> pools, int tcpPort) {
    this.server = server;
    this.metrics = metrics;
    this.refreshes = refreshes;
    this.config = config;
    this.pools = pools;
    this.tcpPort = tcpPort;
  }

  /**
   * Runs the daemon from the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the daemon: checks the configuration, starts, and returns once a shutdown (SIGTERM,
   * SIGINT) has stopped it; with {@code --check-config}, returns after the check.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
  }

  /**
   * Runs the daemon as {@link #run(String[], PrintStream, PrintStream)} does, writing to writers
   * (for the {@code mta-sts postfix} command).
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Path file = null;
    boolean check = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-c":
        case "--config":
          if (i + 1 == args.length) {
            err.println("mta-sts-postfix: --config needs a FILE\n" + USAGE_TEXT);
            return USAGE;
          }
          file = Path.of(args[++i]);
          break;
        case "--check-config":
          check = true;
          break;
        case "-v":
        case "--verbose":
          break;
        case "-h":
        case "--help":
          out.println(USAGE_TEXT);
          return 0;
        default:
          err.println("mta-sts-postfix: unknown option " + Text.quote(args[i]) + "\n" + USAGE_TEXT);
          return USAGE;
      }
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      boolean verbose = java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v");
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
      if (verbose) {
        // Debug for this project's classes only: the libraries' debug output would bury the queries.
        System.setProperty("org.slf4j.simpleLogger.log.dev.mtasts", "debug");
      }
    }
    DaemonConfig config;
    try {
      if (file == null && !Files.exists(DaemonConfig.DEFAULT_FILE)) {
        config = DaemonConfig.defaults();
        if (check) {
          out.println("mta-sts-postfix: no " + DaemonConfig.DEFAULT_FILE + "; the defaults apply and are valid");
        }
      } else {
        Path f = file != null ? file : DaemonConfig.DEFAULT_FILE;
        config = DaemonConfig.load(f);
        if (check) {
          out.println("mta-sts-postfix: " + SafeText.escape(f.toString()) + " is valid");
        }
      }
    } catch (ConfigException e) {
      for (String m : e.errors()) {
        err.println(SafeText.escape(m));
      }
      err.println("mta-sts-postfix: " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors")
          + " in the configuration");
      return CONFIG_ERRORS;
    }
    if (check) {
      return 0;
    }
    PostfixDaemon daemon;
    try {
      daemon = start(config);
    } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      err.println("mta-sts-postfix: could not start: " + Text.message(e));
      return START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM and SIGINT run the hooks: stop accepting, finish in-flight queries, close (PFX-15).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "mta-sts-postfix-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Starts a daemon from a configuration: for embedding and tests (a TCP port of 0 picks a free
   * port, see {@link #tcpPort()}).
   *
   * @param config the configuration
   * @return the running daemon; {@link #close()} stops it
   * @throws IOException if a listener cannot be bound or the store cannot be opened
   */
  public static PostfixDaemon start(DaemonConfig config) throws IOException {
    // The JDK HTTP server's time limits for /metrics (SEC-49); read once when it first starts.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "10"));
    List<ExecutorService> pools = new ArrayList<>();
    try {
      ThreadPoolExecutor connections = new ThreadPoolExecutor(0, config.maxConnections() + 4, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), threads("connection"));
      pools.add(connections);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads("timer"));
      pools.add(timer);
      ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(threads("refresh"));
      pools.add(refresher);
      ExecutorService resolverPool = Executors.newFixedThreadPool(2, threads("resolver"));
      pools.add(resolverPool);
      ExecutorService fetchPool = new ThreadPoolExecutor(0, MtaStsResolver.DEFAULT_MAX_CONCURRENT_FETCHES + 4, 60,
          TimeUnit.SECONDS, new SynchronousQueue<>(), threads("fetch"));
      pools.add(fetchPool);

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // One query waits at most 2 seconds (dnsjava's default), the whole lookup dns.timeout.
      java.time.Duration perQuery = config.dnsTimeout().compareTo(java.time.Duration.ofSeconds(2)) < 0
          ? config.dnsTimeout() : java.time.Duration.ofSeconds(2);
      DnsjavaLookup.Builder dnsBuilder = DnsjavaLookup.builder().executor(resolverPool).scheduler(timer)
          .queryTimeout(perQuery).deadline(config.dnsTimeout());
      if (!config.dnsServers().isEmpty()) {
        dnsBuilder.servers(config.dnsServers().toArray(new String[0]));
      }
      DaemonConfig.Dnssec dnssec = dnssec(config);
      if (dnssec == DaemonConfig.Dnssec.TRUST_AD) {
        dnsBuilder.trustAuthenticatedData();
      } else if (dnssec == DaemonConfig.Dnssec.ANCHORS) {
        dnsBuilder.dnssecTrustAnchors(readTrustAnchors(config.trustAnchors()));
      }
      DnsLookup dns = dnsBuilder.build();
      PolicyStore store = config.storeDirectory() != null ? PolicyStore.inDirectory(config.storeDirectory())
          : PolicyStore.inMemory();
      MtaStsResolver.Builder resolverBuilder = MtaStsResolver.builder().dnsLookup(dns)
          .policyFetcher(HttpPolicyFetcher.builder().executor(fetchPool).build())
          .policyStore(store).executor(resolverPool);
      MtaStsMetrics resolverMetrics = MtaStsMetrics.create();
      resolverBuilder.addListener(resolverMetrics);
      MtaStsResolver resolver = resolverBuilder.build();
      resolverMetrics.observe(resolver).bindTo(registry);

      PostfixPolicyServer.Builder sb = PostfixPolicyServer.builder().resolver(resolver)
          .daneDetector(daneDetector(config, dnssec, dns, resolverPool)).danePrecedence(config.dane())
          .executor(connections).scheduler(timer).meterRegistry(registry)
          .maxConnections(config.maxConnections()).maxRequestBytes(config.maxRequestBytes())
          .idleTimeout(config.idleTimeout());
      for (Map.Entry<String, ZoneOptions> z : config.zones().entrySet()) {
        sb.zone(z.getKey(), z.getValue());
      }
      if (config.tcp() != null) {
        sb.tcp(config.tcp());
      }
      if (config.unixSocket() != null) {
        sb.unixSocket(config.unixSocket(), config.unixMode());
      }
      PostfixPolicyServer server = sb.build();
      int port = server.start();
      MetricsEndpoint metrics = null;
      if (config.metrics() != null) {
        ExecutorService metricsPool = Executors.newSingleThreadExecutor(threads("metrics"));
        pools.add(metricsPool);
        try {
          metrics = MetricsEndpoint.start(config.metrics(), registry::scrape, metricsPool);
        } catch (IOException e) {
          server.shutdown(java.time.Duration.ZERO);
          throw e;
        }
      }
      // CAC-18: the first round runs at once, loading the store and refreshing what is due.
      ScheduledFuture<?> refreshes = resolverMetrics.scheduleRefreshes(refresher, config.refreshInterval());
      Log.LOG.info("event=start tcp={} unix={} store={} metrics={} zones={} dane={} dnssec={} refresh_interval_s={}",
          port < 0 ? "-" : port, config.unixSocket() == null ? "-" : config.unixSocket(),
          config.storeDirectory() == null ? "memory" : config.storeDirectory(),
          metrics == null ? "-" : metrics.address(), config.zones().keySet(), config.dane(),
          dnssec.name().toLowerCase(java.util.Locale.ROOT),
          config.refreshInterval().toSeconds());
      return new PostfixDaemon(server, metrics, refreshes, config, pools, port);
    } catch (IOException | RuntimeException e) {
      pools.forEach(ExecutorService::shutdownNow);
      throw e;
    }
  }

  /**
   * The DNSSEC mode in effect: {@link DaemonConfig.Dnssec#AUTO} becomes
   * {@link DaemonConfig.Dnssec#TRUST_AD} when every configured DNS server is a loopback address (a
   * local validating resolver, whose AD bit no one else can forge), {@link DaemonConfig.Dnssec#OFF}
   * otherwise (RFC 7672 §2.2; RFC 4035 §4.9.3).
   *
   * @param config the configuration
   * @return the mode, never {@code AUTO}
   */
  static DaemonConfig.Dnssec dnssec(DaemonConfig config) {
    if (config.dnssec() != DaemonConfig.Dnssec.AUTO) {
      return config.dnssec();
    }
    boolean loopback = !config.dnsServers().isEmpty() && config.dnsServers().stream().allMatch(PostfixDaemon::isLoopback);
    return loopback ? DaemonConfig.Dnssec.TRUST_AD : DaemonConfig.Dnssec.OFF;
  }

  private static boolean isLoopback(String server) {
    String host = server.startsWith("[") ? server.substring(1, Math.max(1, server.indexOf(']')))
        : server.chars().filter(c -> c == ':').count() == 1 ? server.substring(0, server.indexOf(':')) : server;
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static String readTrustAnchors(Path file) throws IOException {
    // The anchors are a few DS or DNSKEY lines; anything larger is not a trust anchors file.
    byte[] bytes = AtomicFiles.readRegular(file, 64 * 1024);
    if (bytes == null) {
      throw new IOException("the DNSSEC trust anchors file " + file + " does not exist");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /**
   * The DANE detector of the daemon (RFC 8461 §2): the DNS-backed {@code DnsDaneDetector} when DANE
   * precedence is on and DNSSEC answers can be had; {@link DaneDetector#NONE} otherwise, so that
   * MTA-STS applies everywhere (never weaker than without DANE).
   *
   * @param config the configuration
   * @param dnssec the DNSSEC mode in effect ({@link #dnssec(DaemonConfig)})
   * @param dns the daemon's DNS lookup
   * @param executor where the detector completes its stages
   * @return the detector
   */
  static DaneDetector daneDetector(DaemonConfig config, DaemonConfig.Dnssec dnssec, DnsLookup dns,
      ExecutorService executor) {
    if (!config.dane() || dnssec == DaemonConfig.Dnssec.OFF) {
      return DaneDetector.NONE;
    }
    return DnsDaneDetector.builder(dns).executor(executor).build();
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "mta-sts-postfix-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Returns the bound TCP port.
   *
   * @return the port, or -1 without a TCP listener
   */
  public int tcpPort() {
    return tcpPort;
  }

  /**
   * Returns the bound {@code /metrics} address.
   *
   * @return the address, empty when metrics are off
   */
  public Optional<InetSocketAddress> metricsAddress() {
    return metrics == null ? Optional.empty() : Optional.of(metrics.address());
  }

  /**
   * Returns the policy server.
   *
   * @return the server
   */
  public PostfixPolicyServer server() {
    return server;
  }

  /**
   * Stops: no new connections, in-flight queries finish within {@code shutdown_grace}, then the
   * refresh rounds, the metrics endpoint and every thread stop.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Log.LOG.info("event=stopping grace_ms={}", config.shutdownGrace().toMillis());
    boolean clean = server.shutdown(config.shutdownGrace());
    refreshes.cancel(false);
    if (metrics != null) {
      metrics.close();
    }
    pools.forEach(ExecutorService::shutdownNow);
    Log.LOG.info("event=stopped clean={}", clean);
  }
}
