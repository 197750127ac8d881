package dev.mtasts.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * Debian's {@code mta-sts-daemon} (package {@code postfix-mta-sts-resolver}, "PMSR"), the
 * de-facto MTA-STS socketmap server for Postfix, started for a side-by-side comparison with this
 * project's daemon: a generated YAML configuration (127.0.0.1, a free port, the in-memory cache,
 * the zones asked for), its log read as it is written.
 *
 * <p>PMSR cannot be pointed at a DNS server or a CA: it resolves with aiodns (c-ares) and
 * getaddrinfo(3), both reading {@code /etc/resolv.conf}, and it fetches
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} on port 443 with aiohttp's default
 * SSL context. So it runs in the private mount namespace of a {@link LoopbackNameserver} (whose
 * zones point {@code mta-sts.<domain>} at a loopback address; forward its port 443 to the test's
 * policy host with {@link TunnelProxy#forward}), and with {@code SSL_CERT_FILE} naming the test
 * CA, which OpenSSL's default verify paths (Python's {@code ssl.create_default_context()}) honour.
 * The proxy variables are removed from its environment.
 *
 * <p>When it is not installed {@link Builder#start()} reports it through {@link RequiredServer}.
 * The binary is {@code $MTASTS_PMSR}, else {@code /usr/bin/mta-sts-daemon}.
 */
public final class PostfixMtaStsResolverDaemon implements AutoCloseable {
  /** Environment variable naming the mta-sts-daemon binary. */
  public static final String PMSR_ENV = "MTASTS_PMSR";
  /** How long the daemon may take to start, and to stop before it is killed. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path directory;
  private final ProcessLog log;
  private final int port;

  private PostfixMtaStsResolverDaemon(Process process, Path directory, ProcessLog log, int port) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts describing a daemon.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the mta-sts-daemon binary.
   *
   * @return its path, or empty when it is not installed
   */
  public static Optional<Path> binary() {
    return RequiredServer.binary(PMSR_ENV, Path.of("/usr/bin/mta-sts-daemon"), "mta-sts-daemon");
  }

  /**
   * Returns the port the daemon listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the Postfix table that asks this daemon in socketmap zone {@code name}.
   *
   * @param name the socketmap name (a PMSR zone, or any other for the default zone)
   * @return {@code socketmap:inet:127.0.0.1:PORT:NAME}
   */
  public String table(String name) {
    return "socketmap:inet:127.0.0.1:" + port + ":" + name;
  }

  /**
   * Returns what the daemon has logged so far.
   *
   * @return the log text
   */
  public String log() {
    return log.text();
  }

  /** Stops the daemon (SIGTERM, then SIGKILL) and deletes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TempDirs.delete(directory);
  }

  /** Options of a {@link PostfixMtaStsResolverDaemon}; each may be set once. */
  public static final class Builder {
    private @Nullable LoopbackNameserver nameserver;
    private @Nullable String caPem;
    private @Nullable Duration cacheGrace;
    private final Map<String, Boolean> zones = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Resolves names through this server (required).
     *
     * @param ns the name server
     * @return this builder
     */
    public Builder nameserver(LoopbackNameserver ns) {
      if (nameserver != null) {
        throw new IllegalStateException("nameserver is already set");
      }
      this.nameserver = Objects.requireNonNull(ns, "ns");
      return this;
    }

    /**
     * Trusts only this CA for policy fetches (required), such as {@link FakeDomain#caPem()}.
     *
     * @param pem the CA certificate in PEM
     * @return this builder
     */
    public Builder trust(String pem) {
      if (caPem != null) {
        throw new IllegalStateException("trust is already set");
      }
      this.caPem = Objects.requireNonNull(pem, "pem");
      return this;
    }

    /**
     * Sets {@code cache_grace}: how long a cached policy is answered without a new TXT lookup;
     * PMSR's default is 60 s, 0 re-checks on every query.
     *
     * @param grace the grace period, whole seconds
     * @return this builder
     */
    public Builder cacheGrace(Duration grace) {
      if (cacheGrace != null) {
        throw new IllegalStateException("cacheGrace is already set");
      }
      if (grace.isNegative()) {
        throw new IllegalArgumentException("cacheGrace must not be negative");
      }
      this.cacheGrace = grace;
      return this;
    }

    /**
     * Adds a zone: a socketmap name with its own {@code strict_testing} setting (with
     * {@code true}, a {@code testing} policy is answered like {@code enforce}).
     *
     * @param name the socketmap name
     * @param strictTesting PMSR's {@code strict_testing}
     * @return this builder
     */
    public Builder zone(String name, boolean strictTesting) {
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("not a zone name: " + name);
      }
      if (zones.putIfAbsent(name, strictTesting) != null) {
        throw new IllegalStateException("zone " + name + " is already set");
      }
      return this;
    }

    /**
     * Writes the configuration, starts the daemon and waits until it says it is serving.
     *
     * @return the running daemon
     * @throws IOException if it does not start in time (its log is in the message)
     * @throws TestAbortedException if mta-sts-daemon is not installed, or no mount namespace can
     *     be made, unless {@code MTASTS_REQUIRE_SERVERS=1} (then {@link IllegalStateException})
     */
    public PostfixMtaStsResolverDaemon start() throws IOException {
      Optional<Path> binary = binary();
      if (binary.isEmpty()) {
        throw RequiredServer.missing("mta-sts-daemon (Debian package 'postfix-mta-sts-resolver')",
            "install it, or set " + PMSR_ENV + " to its path, to run this test");
      }
      LoopbackNameserver ns = Objects.requireNonNull(nameserver, "nameserver(...) is required");
      String ca = Objects.requireNonNull(caPem, "trust(...) is required");
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
          port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("mtasts-pmsr-");
        Files.writeString(dir.resolve("ca.pem"), ca, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("mta-sts-daemon.yml"), yaml(port), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary.get().toString(), "-c",
            dir.resolve("mta-sts-daemon.yml").toString(), "-v", "debug", "--disable-uvloop"));
        ProcessBuilder pb = new ProcessBuilder(ns.isolate(command)).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
            .forEach(env::remove);
        env.put("SSL_CERT_FILE", dir.resolve("ca.pem").toString());
        Process p = pb.start();
        ProcessLog log = new ProcessLog("mta-sts-daemon", dir.resolve("daemon.log"));
        log.follow(p.getInputStream());
        PostfixMtaStsResolverDaemon daemon = new PostfixMtaStsResolverDaemon(p, dir, log, port);
        try {
          log.await(l -> l.contains("Server started.") || l.contains("Traceback"),
              START_TIMEOUT);
          if (p.isAlive() && log.text().contains("Server started.")) {
            return daemon;
          }
          throw new IOException("mta-sts-daemon did not start on port " + port + "\n--- log ---\n" + log.text());
        } catch (IOException e) {
          daemon.close();
          last = e; // most likely the port was taken in between; try another
        }
      }
      throw Objects.requireNonNull(last);
    }

    private String yaml(int port) {
      StringBuilder y = new StringBuilder()
          .append("host: 127.0.0.1\n")
          .append("port: ").append(port).append('\n')
          // reuse_port must stay true: PMSR 1.1.2 builds no listener options without it.
          .append("reuse_port: true\n")
          .append("shutdown_timeout: 1\n")
          .append("cache:\n  type: internal\n  options:\n    cache_size: 10000\n")
          .append("default_zone:\n  strict_testing: false\n  timeout: 4\n");
      if (cacheGrace != null) {
        y.append("cache_grace: ").append(cacheGrace.toSeconds()).append('\n');
      }
      if (!zones.isEmpty()) {
        y.append("zones:\n");
        zones.forEach((name, strict) -> y.append("  ").append(name).append(":\n    strict_testing: ")
            .append(strict).append("\n    timeout: 4\n"));
      }
      return y.toString();
    }
  }

  @Override
  public String toString() {
    return "PostfixMtaStsResolverDaemon[127.0.0.1:" + port + "]";
  }
}
