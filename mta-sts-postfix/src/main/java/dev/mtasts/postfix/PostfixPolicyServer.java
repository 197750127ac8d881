package dev.mtasts.postfix;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.postfix.SocketmapReply.Status;
import dev.mtasts.postfix.internal.Answers;
import dev.mtasts.postfix.internal.Answers.Answer;
import dev.mtasts.postfix.internal.Connection;
import dev.mtasts.postfix.internal.Requests;
import dev.mtasts.postfix.internal.ServerMetrics;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.delivery.DaneDetector;
import dev.mtasts.resolver.delivery.DomainDane;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS policy server for Postfix's {@code smtp_tls_policy_maps}: a socketmap
 * (socketmap_table(5)) over TCP and/or a Unix-domain socket that answers each lookup from an
 * {@link MtaStsResolver} (RFC 8461 §5).
 *
 * <pre>{@code
 * PostfixPolicyServer server = PostfixPolicyServer.builder()
 *     .resolver(resolver)
 *     .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8461))
 *     .executor(connectionThreads)
 *     .scheduler(scheduler)
 *     .build();
 * int port = server.start();
 * // main.cf: smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8461:postfix
 * }</pre>
 *
 * <h2>Protocol</h2>
 * Each request is a netstring {@code name key}; {@code name} selects a zone ({@link ZoneOptions};
 * {@code postfix} by default) and {@code key} is the next-hop domain. Connections are persistent
 * and requests may be pipelined: answers come back in request order. The answers (PFX-1 to PFX-9):
 * <ul>
 *   <li>{@code enforce} policy: {@code OK secure match=P1:P2 servername=hostname} (wildcards in
 *       Postfix syntax, see {@link dev.mtasts.postfix.internal.Answers} for how Postfix's
 *       {@code .example.com} differs from RFC 8461 §4.1's {@code *.example.com}), with the
 *       TLSRPT attributes of Postfix ≥ 3.10 when the zone asks for them;
 *   <li>{@code testing} or {@code none} policy, no policy, a key that cannot have a policy
 *       ({@code [host]}, {@code host:port}, IP address, not a domain): {@code NOTFOUND };
 *       {@code testing} answers {@code secure} with {@link ZoneOptions#strictTesting()};
 *   <li>lookup failure with nothing usable cached: {@code NOTFOUND } or {@code TEMP} per
 *       {@link ZoneOptions#tempFailure()}; the policy store unreadable: {@code TEMP};
 *   <li>DANE present (RFC 8461 §2, with {@link Builder#danePrecedence} on, the default):
 *       {@code OK dane-only} (or {@code OK dane}); DANE unknown: the MTA-STS answer;
 *   <li>the zone's deadline passed: {@code TIMEOUT} (the resolution goes on and is cached);
 *   <li>an unknown zone name: {@code PERM}; garbage (not a netstring, over
 *       {@link Builder#maxRequestBytes}, not UTF-8 {@code name key}): {@code PERM} and the
 *       connection is closed (SEC-47).
 * </ul>
 *
 * <h2>Limits</h2>
 * At most {@link Builder#maxConnections} connections (default 256; more are closed at once,
 * PFX-11), requests of at most {@link Builder#maxRequestBytes} (default 4,096), an idle timeout
 * for waiting for, reading and answering each request ({@link Builder#idleTimeout}, default 5
 * minutes, PFX-12), and each query's deadline ({@link ZoneOptions#queryTimeout()}, PFX-13).
 *
 * <h2>Threads</h2>
 * The server starts no thread: each listener's accept loop and each connection run as one task
 * on the {@link Builder#executor} (give it at least {@code maxConnections} + 2 threads), and
 * the idle timeouts run on the {@link Builder#scheduler}. The daemon ({@link PostfixDaemon})
 * owns both.
 *
 * <h2>Time</h2>
 * The server reads no wall clock. What it decides by elapsed time (how long a domain's DANE state
 * is remembered) and what it measures (each query's latency) is read from a monotonic
 * {@link Builder#ticker} (default {@link System#nanoTime()}), so a step of the wall clock neither
 * keeps nor drops a remembered state (PFX-32). The waits (the idle timeout and a zone's query
 * deadline) are timed by the {@link Builder#scheduler} and a timed {@code Future.get}, which run
 * in real time whatever the ticker says.
 */
public final class PostfixPolicyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostfixPolicyServer.class);

  /** The default TCP address: {@code 127.0.0.1:8461}, as postfix-mta-sts-resolver. */
  public static final InetSocketAddress DEFAULT_TCP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8461);
  /** The default zone name, as in {@code socketmap:inet:127.0.0.1:8461:postfix}. */
  public static final String DEFAULT_ZONE = "postfix";
  /** The default cap on open connections: 256. */
  public static final int DEFAULT_MAX_CONNECTIONS = 256;
  /** The default cap on a request's payload: 4,096 bytes (a domain has at most 253). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4096;
  /** The default idle timeout: 5 minutes. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** The default time {@link #close()} lets in-flight queries finish: 10 seconds. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final MtaStsResolver resolver;
  private final DaneDetector dane;
  private final LongSupplier ticker;
  /** How long a definite DANE state is remembered: 5 minutes, as the resolver's TXT re-check. */
  static final long DANE_TTL_NANOS = TimeUnit.MINUTES.toNanos(5);
  /** The most domains whose DANE state is remembered. */
  static final int MAX_DANE_ENTRIES = 100_000;
  private final ConcurrentHashMap<PolicyDomain, DaneEntry> daneStates = new ConcurrentHashMap<>();
  private final boolean danePrecedence;
  private final Map<String, ZoneOptions> zones;
  private final @Nullable InetSocketAddress tcpAddress;
  private final @Nullable Path unixPath;
  private final Set<PosixFilePermission> unixPermissions;
  private final int maxConnections;
  private final int maxRequestBytes;
  private final Duration idleTimeout;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final ServerMetrics metrics;
  private final Semaphore permits;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  /** Completed as each accept loop returns, after its listener is closed. */
  private final List<CompletableFuture<Void>> acceptLoops = new ArrayList<>();
  private @Nullable InetSocketAddress boundTcp;
  private boolean unixBound;
  private boolean started;
  private volatile boolean closing;

  private PostfixPolicyServer(Builder b) {
    this.resolver = Objects.requireNonNull(b.resolver, "resolver");
    this.executor = Objects.requireNonNull(b.executor, "executor");
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
    this.dane = b.dane != null ? b.dane : DaneDetector.NONE;
    this.ticker = b.ticker != null ? b.ticker : System::nanoTime;
    this.danePrecedence = b.danePrecedence == null || b.danePrecedence;
    Map<String, ZoneOptions> z = new LinkedHashMap<>(b.zones);
    if (z.isEmpty()) {
      z.put(DEFAULT_ZONE, ZoneOptions.defaults());
    }
    this.zones = Map.copyOf(z);
    this.unixPath = b.unixPath;
    this.tcpAddress = b.tcp != null ? b.tcp : (b.unixPath == null ? DEFAULT_TCP : null);
    this.unixPermissions = b.unixPermissions != null ? Set.copyOf(b.unixPermissions)
        : PosixFilePermissions.fromString("rw-rw----");
    this.maxConnections = b.maxConnections != null ? b.maxConnections : DEFAULT_MAX_CONNECTIONS;
    this.maxRequestBytes = b.maxRequestBytes != null ? b.maxRequestBytes : DEFAULT_MAX_REQUEST_BYTES;
    this.idleTimeout = b.idleTimeout != null ? b.idleTimeout : DEFAULT_IDLE_TIMEOUT;
    this.metrics = new ServerMetrics(b.registry != null ? b.registry : new SimpleMeterRegistry(), zones.keySet());
    this.permits = new Semaphore(maxConnections);
  }

  /**
   * Returns a builder; the resolver, the executor and the scheduler are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listeners and starts accepting connections.
   *
   * @return the bound TCP port (useful with port 0), or -1 if the server listens on a Unix socket
   *     only
   * @throws IOException if a listener cannot be bound; nothing is left open then
   * @throws IllegalStateException if already started
   */
  public synchronized int start() throws IOException {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      if (tcpAddress != null) {
        ServerSocketChannel tcp = ServerSocketChannel.open();
        listeners.add(tcp);
        try {
          tcp.bind(tcpAddress, 128);
        } catch (IOException e) {
          throw new IOException("cannot listen on " + tcpAddress + ": " + Text.message(e), e);
        }
        boundTcp = (InetSocketAddress) tcp.getLocalAddress();
      }
      if (unixPath != null) {
        listeners.add(bindUnix(unixPath));
        unixBound = true;
      }
    } catch (IOException | RuntimeException e) {
      closeListeners();
      throw e;
    }
    for (ServerSocketChannel l : listeners) {
      ServerSocketChannel listener = l;
      CompletableFuture<Void> ended = new CompletableFuture<>();
      acceptLoops.add(ended);
      try {
        executor.execute(() -> {
          try {
            acceptLoop(listener);
          } finally {
            ended.complete(null);
          }
        });
      } catch (RuntimeException e) {
        ended.complete(null); // never ran: nothing to wait for at shutdown
        throw e;
      }
    }
    LOG.info("event=listening tcp={} unix={} zones={}", boundTcp == null ? "-" : boundTcp,
        unixPath == null ? "-" : unixPath, zones.keySet());
    return boundTcp == null ? -1 : boundTcp.getPort();
  }

  /**
   * Binds the Unix socket under a temporary name, sets its permissions, then renames it into
   * place, so that no client can connect before the permissions apply (PFX-14). A stale socket
   * at the path is replaced; any other kind of file is left alone and fails the start.
   */
  private ServerSocketChannel bindUnix(Path path) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        && !Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IOException(path + " exists and is not a socket");
    }
    Path tmp = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      unix.bind(UnixDomainSocketAddress.of(tmp), 128);
      Files.setPosixFilePermissions(tmp, unixPermissions);
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      unix.close();
      Files.deleteIfExists(tmp);
      throw e;
    }
    return unix;
  }

  /**
   * Returns the bound TCP address.
   *
   * @return the address, empty before {@link #start()} or without a TCP listener
   */
  public synchronized Optional<InetSocketAddress> tcpAddress() {
    return Optional.ofNullable(boundTcp);
  }

  /**
   * Returns the Unix socket's path.
   *
   * @return the path, empty without a Unix listener
   */
  public Optional<Path> unixSocket() {
    return Optional.ofNullable(unixPath);
  }

  private void acceptLoop(ServerSocketChannel listener) {
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        if (!closing) {
          LOG.error("event=accept-failed error={}", SafeText.escape(String.valueOf(e.getMessage())));
        }
        return;
      }
      if (closing || !permits.tryAcquire()) {
        // PFX-11: over the cap (or shutting down), a connection is closed at once, unread.
        metrics.refused();
        LOG.debug("event=refused open={} max={}", maxConnections - permits.availablePermits(),
            maxConnections);
        closeQuietly(ch);
        continue;
      }
      Connection c = new Connection(ch, this::handle, scheduler, idleTimeout, maxRequestBytes, metrics);
      connections.add(c);
      c.done().whenComplete((v, t) -> {
        connections.remove(c);
        permits.release();
      });
      try {
        executor.execute(c);
      } catch (RejectedExecutionException e) {
        metrics.refused();
        c.closeQuietly();
        c.done().complete(null);
      }
      if (closing) {
        c.shutdown();
      }
    }
  }

  private Answer handle(byte[] payload) throws Requests.MalformedRequestException {
    long start = ticker.getAsLong();
    Requests.Request request = Requests.parse(payload);
    Answer answer = answer(request);
    long nanos = Math.max(0, ticker.getAsLong() - start);
    metrics.query(request.name(), answer.kind(), nanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug("event=query zone={} key={} answer={} reason={} ms={}", SafeText.escape(request.name(), 64),
          SafeText.escape(request.key(), 300), answer.kind(), answer.reason(), nanos / 1_000_000);
    }
    return answer;
  }

  private Answer answer(Requests.Request request) {
    ZoneOptions zone = zones.get(request.name());
    if (zone == null) {
      return Answers.error(Status.PERM, "unknown table name", "unknown-zone");
    }
    Optional<PolicyDomain> domain = Requests.domainOf(request.key());
    if (domain.isEmpty()) {
      return Answers.notFound("not-a-domain");
    }
    CompletableFuture<PolicyResolution> resolution = resolver.resolve(domain.get()).toCompletableFuture();
    CompletableFuture<@Nullable DomainDane> daneState = danePrecedence ? detect(domain.get())
        : CompletableFuture.<@Nullable DomainDane>completedFuture(null);
    CompletableFuture<Answer> answer = resolution.thenCombine(daneState, (r, d) -> Answers.answer(r, d, zone));
    try {
      return answer.get(zone.queryTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // PFX-13: the deadline passed; the resolution goes on and its result is cached for the retry.
      return Answers.error(Status.TIMEOUT, "MTA-STS lookup took longer than " + Durations.human(zone.queryTimeout()),
          "deadline");
    } catch (ExecutionException e) {
      LOG.error("event=query-failed domain={}", domain.get(), e.getCause());
      return Answers.error(Status.TEMP, "MTA-STS lookup failed", "error");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answers.error(Status.TEMP, "server shutting down", "interrupted");
    }
  }

  /**
   * The DANE state of a domain, remembered: a definite answer ({@code PRESENT} or {@code ABSENT})
   * for {@link #DANE_TTL_NANOS} on the ticker (PFX-32: never on the wall clock, which may be
   * stepped), so that a cached lookup makes no DNS query for DANE; a detection in flight is shared
   * by every query that asks meanwhile; {@code UNKNOWN} and failures are asked again. At most {@link #MAX_DANE_ENTRIES} domains are remembered (SEC-23): past that, all are
   * forgotten at once.
   */
  private CompletableFuture<@Nullable DomainDane> detect(PolicyDomain domain) {
    long now = ticker.getAsLong();
    DaneEntry e = daneStates.get(domain);
    if (e != null && (!e.state().isDone() || now - e.until() < 0)) {
      return e.state();
    }
    if (daneStates.size() >= MAX_DANE_ENTRIES) {
      daneStates.clear();
    }
    CompletableFuture<@Nullable DomainDane> state = detectNow(domain);
    DaneEntry entry = new DaneEntry(state, now + DANE_TTL_NANOS);
    daneStates.put(domain, entry);
    state.whenComplete((d, t) -> {
      if (d != DomainDane.PRESENT && d != DomainDane.ABSENT) {
        daneStates.remove(domain, entry);
      }
    });
    return state;
  }

  private record DaneEntry(CompletableFuture<@Nullable DomainDane> state, long until) {}

  /** The DANE state; a detector that throws or fails counts as {@link DomainDane#UNKNOWN}. */
  private CompletableFuture<@Nullable DomainDane> detectNow(PolicyDomain domain) {
    try {
      return dane.detect(domain).toCompletableFuture().<@Nullable DomainDane>thenApply(d -> d)
          .exceptionally(t -> DomainDane.UNKNOWN);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(DomainDane.UNKNOWN);
    }
  }

  /**
   * Stops accepting, closes idle connections at once, lets queries in flight finish within
   * {@code grace}, then closes what remains and removes the Unix socket (PFX-15).
   *
   * @param grace how long in-flight queries may take to finish
   * @return {@code true} if every connection ended within the grace period
   */
  public boolean shutdown(Duration grace) {
    Builders.nonNegative(grace, "grace");
    // Real time: this is a wait on the accept loops and the connections, not a measurement.
    long deadline = System.nanoTime() + grace.toNanos();
    List<CompletableFuture<Void>> loops;
    synchronized (this) {
      if (closing) {
        return connections.isEmpty();
      }
      closing = true;
      closeListeners();
      loops = List.copyOf(acceptLoops);
    }
    // A listener closed while its accept call is still in the kernel keeps the port open until
    // that call returns; waiting for the loops makes "stops accepting" true before the idle
    // connections are closed (PFX-15).
    boolean clean = await(loops, deadline);
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (Connection c : connections) {
      pending.add(c.done());
      c.shutdown();
    }
    clean &= await(pending, deadline);
    for (Connection c : connections) {
      if (!c.done().isDone()) {
        clean = false;
        c.closeQuietly();
      }
    }
    LOG.info("event=server-stopped clean={}", clean);
    return clean;
  }

  /** Waits until every stage completes or the deadline ({@link System#nanoTime()}) passes. */
  private static boolean await(List<CompletableFuture<Void>> stages, long deadline) {
    try {
      CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Shuts down with the default grace period of 10 seconds. */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_GRACE);
  }

  private void closeListeners() {
    for (ServerSocketChannel l : listeners) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.debug("closing a listener failed: {}", SafeText.escape(String.valueOf(e.getMessage())));
      }
    }
    if (unixPath != null && unixBound) {
      // Only the socket this server bound is removed: never a file that was there before (PFX-14).
      unixBound = false;
      try {
        Files.deleteIfExists(unixPath);
      } catch (IOException e) {
        LOG.warn("Could not remove the socket {}: {}", unixPath, SafeText.escape(String.valueOf(e.getMessage())));
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a refused connection failed: {}", SafeText.escape(String.valueOf(e.getMessage())));
    }
  }

  /** Builds a {@link PostfixPolicyServer}; every option can be set once. */
  public static final class Builder {
    private @Nullable MtaStsResolver resolver;
    private @Nullable DaneDetector dane;
    private @Nullable LongSupplier ticker;
    private @Nullable Boolean danePrecedence;
    private final Map<String, ZoneOptions> zones = new LinkedHashMap<>();
    private @Nullable InetSocketAddress tcp;
    private @Nullable Path unixPath;
    private @Nullable Set<PosixFilePermission> unixPermissions;
    private @Nullable Integer maxConnections;
    private @Nullable Integer maxRequestBytes;
    private @Nullable Duration idleTimeout;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable MeterRegistry registry;

    private Builder() {}

    /**
     * Sets the resolver that answers every query (required).
     *
     * @param resolver the resolver
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder resolver(MtaStsResolver resolver) {
      this.resolver = Builders.once(this.resolver, resolver, "resolver");
      return this;
    }

    /**
     * Sets how the DANE state of a domain is found (RFC 8461 §2); default
     * {@link DaneDetector#NONE} (no domain has DANE).
     *
     * @param detector the detector
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder daneDetector(DaneDetector detector) {
      this.dane = Builders.once(this.dane, detector, "daneDetector");
      return this;
    }

    /**
     * Sets the monotonic source on which the server measures elapsed time (PFX-32): how long a
     * domain's definite DANE state is remembered (5 minutes) and each query's latency
     * ({@code mtasts.postfix.query.duration}). Default {@link System#nanoTime()}; tests pass a
     * manual one, such as the test kit's {@code ManualClock.ticker()}, and the resolver gets the
     * same through {@link MtaStsResolver.Builder#ticker}. The server reads no wall clock, so it
     * has no {@code clock(...)}. The idle timeout ({@link #idleTimeout}) and a zone's query
     * deadline ({@link ZoneOptions#queryTimeout()}) are waits, not measurements: the
     * {@link #scheduler} and a timed {@code Future.get} time them in real time, whatever this
     * ticker says.
     *
     * @param nanos a source of nanoseconds that never goes back (differences are what count)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder ticker(LongSupplier nanos) {
      this.ticker = Builders.once(this.ticker, nanos, "ticker");
      return this;
    }

    /**
     * Sets whether DANE takes precedence over MTA-STS (RFC 8461 §2); default {@code true}.
     *
     * @param precedence {@code false} to answer from MTA-STS alone
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder danePrecedence(boolean precedence) {
      this.danePrecedence = Builders.once(this.danePrecedence, precedence, "danePrecedence");
      return this;
    }

    /**
     * Adds a zone: the socketmap table name and its options. Without any, one zone
     * {@code postfix} with {@link ZoneOptions#defaults()} is served.
     *
     * @param name the table name, as after the last colon of {@code socketmap:inet:host:port:name}
     * @param options the zone's options
     * @return this builder
     * @throws IllegalArgumentException if the name is empty, holds a space or a control
     *     character, or is longer than 64 characters
     * @throws IllegalStateException if the zone was already added
     */
    public Builder zone(String name, ZoneOptions options) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(options, "options");
      if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("a zone name is 1 to 64 printable ASCII characters without spaces");
      }
      if (zones.putIfAbsent(name, options) != null) {
        throw new IllegalStateException("zone " + name + " was already added");
      }
      return this;
    }

    /**
     * Sets the TCP address to listen on; default {@code 127.0.0.1:8461} when no Unix socket is
     * set. Port 0 picks a free port ({@link #start()} returns it).
     *
     * @param address the address
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tcp(InetSocketAddress address) {
      this.tcp = Builders.once(this.tcp, address, "tcp");
      return this;
    }

    /**
     * Sets a Unix-domain socket to listen on (Java 16+), in addition to TCP if {@link #tcp} is
     * set too.
     *
     * @param path the socket's path; a stale socket there is replaced
     * @param permissions its permissions, such as {@code rw-rw----} (the default when
     *     {@code null}), applied before any client can connect
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder unixSocket(Path path, @Nullable Set<PosixFilePermission> permissions) {
      this.unixPath = Builders.once(this.unixPath, path, "unixSocket");
      this.unixPermissions = permissions;
      return this;
    }

    /**
     * Sets the most connections open at once; default 256. More are closed at once.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxConnections(int max) {
      this.maxConnections = Builders.once(this.maxConnections, Builders.atLeast(max, 1, "maxConnections"),
          "maxConnections");
      return this;
    }

    /**
     * Sets the largest request payload; default 4,096 bytes. A netstring announcing more is
     * answered {@code PERM} and the connection closed, unread.
     *
     * @param bytes 16 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder maxRequestBytes(int bytes) {
      if (bytes > 1_000_000) {
        throw new IllegalArgumentException("maxRequestBytes must be at most 1000000, not " + bytes);
      }
      this.maxRequestBytes = Builders.once(this.maxRequestBytes, Builders.atLeast(bytes, 16, "maxRequestBytes"),
          "maxRequestBytes");
      return this;
    }

    /**
     * Sets how long a connection may wait for (and take to send) its next request, or take to
     * read an answer; default 5 minutes. Then it is closed.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Builders.once(this.idleTimeout, Builders.positive(timeout, "idleTimeout"), "idleTimeout");
      return this;
    }

    /**
     * Sets the executor that runs the accept loops and the connections (required): one task per
     * listener and one per connection, so at least {@code maxConnections} + 2 threads.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the scheduler that runs the idle timeouts (required).
     *
     * @param scheduler the scheduler
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Builders.once(this.scheduler, scheduler, "scheduler");
      return this;
    }

    /**
     * Sets where the server's meters go; default a private {@link SimpleMeterRegistry}.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Builders.once(this.registry, registry, "meterRegistry");
      return this;
    }

    /**
     * Builds the server, not yet listening.
     *
     * @return the server
     * @throws NullPointerException if the resolver, the executor or the scheduler is missing
     */
    public PostfixPolicyServer build() {
      return new PostfixPolicyServer(this);
    }
  }
}
