package dev.mtasts.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * A real Redis server for integration tests: {@code redis-server} (Debian package
 * {@code redis-server}) started as a child process on 127.0.0.1, on a free port, with its data in a
 * temporary directory, needing no root privileges.
 *
 * <pre>{@code
 * @BeforeAll static void start() throws IOException {
 *   redis = RedisServer.builder().appendFsyncAlways().start();
 * }
 * @AfterAll static void stop() { if (redis != null) redis.close(); }
 * }</pre>
 *
 * <p>Besides starting and stopping, it can be killed with SIGKILL and restarted on the same port
 * and directory ({@link #kill()}, {@link #restart()}), frozen ({@link #freeze()}, {@link #thaw()}), and sent
 * any command ({@link #command(String...)}), with a small RESP client of its own, so that tests can
 * look at what a client under test did (TTL, INFO commandstats) without a Redis library.
 *
 * <p>When {@code redis-server} is absent {@link Builder#start()} reports it through
 * {@link RequiredServer}: the test is skipped with the reason on the console, or fails when
 * {@code MTASTS_REQUIRE_SERVERS=1}, as in CI. The binary is {@code $MTASTS_REDIS_SERVER}, else
 * {@code /usr/bin/redis-server}, else {@code redis-server} on the {@code PATH}.
 */
public final class RedisServer implements AutoCloseable {
  /** Environment variable naming the redis-server binary. */
  public static final String REDIS_SERVER_ENV = "MTASTS_REDIS_SERVER";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int REPLY_TIMEOUT_MILLIS = 30_000;
  private static final int MAX_REPLY_BYTES = 16 << 20;
  private static final String READY = "Ready to accept connections";

  private final Path binary;
  private final Path directory;
  private final Path config;
  private final int port;
  private @Nullable Process process;
  private int starts;
  /** Waiters for a text in the log, completed by the log pump. */
  private final java.util.List<LogWait> logWaits = new java.util.concurrent.CopyOnWriteArrayList<>();

  private record LogWait(String text, CompletableFuture<Void> seen) {}

  private RedisServer(Path binary, Path directory, Path config, int port) {
    this.binary = binary;
    this.directory = directory;
    this.config = config;
    this.port = port;
  }

  /**
   * Finds the redis-server binary.
   *
   * @return its path, or empty when it is not installed
   */
  public static Optional<Path> redisServer() {
    return RequiredServer.binary(REDIS_SERVER_ENV, Path.of("/usr/bin/redis-server"), "redis-server");
  }

  /**
   * Returns a builder for a server with Redis's defaults but no persistence.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the port Redis listens on, on 127.0.0.1; it stays the same across {@link #restart()}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the server's URI for a client.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Returns the directory that holds the configuration, the data and the log.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Sends one command on a new connection and returns the reply as text: a simple or bulk string
   * as is, an integer in decimal, a nil as {@code null}, an array as its elements on separate lines;
   * an error reply becomes an {@link IllegalStateException} with Redis's message.
   *
   * @param args the command and its arguments
   * @return the reply
   * @throws UncheckedIOException if Redis cannot be reached or does not answer in 30 seconds
   */
  public @Nullable String command(String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), REPLY_TIMEOUT_MILLIS);
      socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String arg : args) {
        byte[] b = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(b);
        request.writeBytes(new byte[] {'\r', '\n'});
      }
      OutputStream out = socket.getOutputStream();
      request.writeTo(out);
      out.flush();
      return readReply(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + ": " + e.getMessage(), e);
    }
  }

  private static @Nullable String readReply(InputStream in) throws IOException {
    String line = readLine(in);
    if (line.isEmpty()) {
      throw new IOException("empty reply line");
    }
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> throw new IllegalStateException(rest);
      case '$' -> {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        if (n > MAX_REPLY_BYTES) {
          throw new IOException("reply of " + n + " bytes is too long");
        }
        byte[] b = in.readNBytes(n + 2);
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
          all.append(i == 0 ? "" : "\n").append(readReply(in));
        }
        return all.toString();
      }
      default -> throw new IOException("unexpected reply line: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed in a reply");
      }
      if (line.size() > 64 * 1024) {
        throw new IOException("reply line too long");
      }
      line.write(c);
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Waits until the server's log holds a line containing {@code text} (already, or written later),
   * as a future completed by the log reader: no polling.
   *
   * @param text the text to wait for, such as {@code "Cluster state changed: ok"}
   * @param timeout how long to wait at most
   * @throws IOException if it does not appear in time (the log is in the message)
   */
  public void awaitLog(String text, Duration timeout) throws IOException {
    LogWait wait = new LogWait(text, new CompletableFuture<>());
    logWaits.add(wait); // before reading the file, so that no line is missed in between
    try {
      if (log().contains(text)) {
        return;
      }
      wait.seen().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("redis-server on port " + port + " did not log '" + text + "' within "
          + timeout.toSeconds() + " s\n--- redis-server log ---\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the redis-server log", e);
    } finally {
      logWaits.remove(wait);
    }
  }

  /**
   * Freezes the server with SIGSTOP, as a long GC-like stall, a paused VM or a swapped-out host
   * would: connections stay open, commands are accepted by the kernel, and none is answered until
   * {@link #thaw()}. ({@code CLIENT PAUSE} cannot be ended early from a new connection, and
   * {@code DEBUG SLEEP} is disabled in Redis 7 by default.)
   */
  public void freeze() {
    signal("STOP");
  }

  /** Resumes a {@link #freeze() frozen} server with SIGCONT; it answers what was queued. */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
      if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  /**
   * Kills the server with SIGKILL, as a crash or the OOM killer would: no shutdown, no final save;
   * only what it had written to its append-only file survives. Waits until the process is gone.
   */
  public void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly(); // SIGKILL on Unix
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server did not die within 30 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server to die", e);
    }
    process = null;
  }

  /**
   * Starts the server again on the same port, with the same configuration and directory (after
   * {@link #kill()}), and waits until it accepts connections, its data loaded.
   *
   * @throws IOException if it does not start in time (its log is in the message)
   */
  public void restart() throws IOException {
    if (process != null) {
      throw new IllegalStateException("redis-server is running; kill() it first");
    }
    launch();
  }

  /**
   * Tells whether the server process is running.
   *
   * @return {@code true} between a start and a {@link #kill()} or {@link #close()}
   */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Returns what the server has logged, across restarts.
   *
   * @return the log text
   */
  public String log() {
    try {
      return Files.readString(directory.resolve("redis.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private void launch() throws IOException {
    starts++;
    Path log = directory.resolve("redis.log");
    Process p = new ProcessBuilder(binary.toString(), config.toString())
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .start();
    process = p;
    // The log goes through this thread so that the ready line is seen as it is written: the
    // start waits on a future, not a polling loop.
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(p.getInputStream(), log, ready, logWaits),
        "redis-server-log-" + port + "-" + starts);
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      kill();
      throw new IOException("redis-server did not get ready on port " + port + " within " + START_TIMEOUT.toSeconds()
          + " s\n--- redis-server log ---\n" + log(), e);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting redis-server", e);
    }
  }

  private static void pump(InputStream output, Path log, CompletableFuture<Void> ready, java.util.List<LogWait> waits) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        w.write(line);
        w.write('\n');
        w.flush();
        if (line.contains(READY)) {
          ready.complete(null);
        }
        for (LogWait wait : waits) {
          if (line.contains(wait.text())) {
            wait.seen().complete(null);
          }
        }
      }
      ready.completeExceptionally(new IOException("redis-server exited"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  /** Stops the server (SIGKILL: its data is thrown away) and deletes its directory. */
  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Options of a {@link RedisServer}; each may be set once. */
  public static final class Builder {
    private boolean appendFsyncAlways;
    private long maxMemoryBytes;
    private boolean clusterEnabled;

    private Builder() {}

    /**
     * Turns on the append-only file with {@code appendfsync always}: every acknowledged write is on
     * disk before the reply, so it survives {@link RedisServer#kill()}.
     *
     * @return this builder
     */
    public Builder appendFsyncAlways() {
      if (appendFsyncAlways) {
        throw new IllegalStateException("appendFsyncAlways is already set");
      }
      this.appendFsyncAlways = true;
      return this;
    }

    /**
     * Starts the server as a Redis Cluster node ({@code cluster-enabled yes}, its node file in its
     * directory, a node timeout of 5 seconds), with no slots until a cluster is created over it;
     * {@link RedisCluster} does that.
     *
     * @return this builder
     */
    public Builder clusterEnabled() {
      if (clusterEnabled) {
        throw new IllegalStateException("clusterEnabled is already set");
      }
      this.clusterEnabled = true;
      return this;
    }

    /**
     * Caps the memory with {@code maxmemory} and {@code maxmemory-policy noeviction}: once full,
     * writes fail with an OOM error and nothing is evicted. Lower it at run time with
     * {@code command("CONFIG", "SET", "maxmemory", "1")} to fill the server at once.
     *
     * @param bytes the cap, at least 1
     * @return this builder
     */
    public Builder maxMemoryNoEviction(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxmemory must be at least 1 byte");
      }
      if (maxMemoryBytes != 0) {
        throw new IllegalStateException("maxMemoryNoEviction is already set");
      }
      this.maxMemoryBytes = bytes;
      return this;
    }

    /**
     * Starts redis-server on a free port of 127.0.0.1 and waits until it accepts connections.
     *
     * @return the running server
     * @throws IOException if it does not start in time (its log is in the message)
     * @throws TestAbortedException if redis-server is not installed and
     *     {@code MTASTS_REQUIRE_SERVERS} is not {@code 1}
     * @throws IllegalStateException if redis-server is not installed and
     *     {@code MTASTS_REQUIRE_SERVERS=1}
     */
    public RedisServer start() throws IOException {
      Optional<Path> binary = redisServer();
      if (binary.isEmpty()) {
        throw RequiredServer.missing("redis-server (Debian package 'redis-server')",
            "install it, or set " + REDIS_SERVER_ENV + " to its path, to run this test");
      }
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        Path dir = Files.createTempDirectory("mtasts-redis-");
        int port = freePort();
        StringBuilder conf = new StringBuilder()
            .append("bind 127.0.0.1\n")
            .append("port ").append(port).append('\n')
            .append("dir ").append(dir).append('\n')
            .append("daemonize no\n")
            .append("logfile \"\"\n")
            .append("save \"\"\n")
            .append("protected-mode yes\n");
        if (appendFsyncAlways) {
          conf.append("appendonly yes\nappendfsync always\n");
        }
        if (clusterEnabled) {
          conf.append("cluster-enabled yes\ncluster-config-file nodes.conf\ncluster-node-timeout 5000\n");
        }
        if (maxMemoryBytes != 0) {
          conf.append("maxmemory ").append(maxMemoryBytes).append("\nmaxmemory-policy noeviction\n");
        }
        Path config = dir.resolve("redis.conf");
        Files.writeString(config, conf, StandardCharsets.UTF_8);
        RedisServer server = new RedisServer(binary.get(), dir, config, port);
        try {
          server.launch();
          return server;
        } catch (IOException e) {
          server.close();
          last = e; // most likely the port was taken in between; try another
        }
      }
      throw last;
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + "]";
  }
}
