package dev.mtasts.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * A real authoritative DNS server for integration tests: Knot DNS ({@code knotd}, Debian package
 * {@code knot}) started as a child process from zone files in a temporary directory, listening on
 * 127.0.0.1 (UDP and TCP) on a free port, needing no root privileges.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * @BeforeAll static void start() throws IOException {
 *   knot = KnotServer.start(Map.of("example.test", "$TTL 300\n@ SOA ns hostmaster 1 1 1 1 1\n..."));
 * }
 * @AfterAll static void stop() { if (knot != null) knot.close(); }
 * }</pre>
 *
 * <p>When {@code knotd} is absent {@link #start(Map)} reports it through {@link RequiredServer}: it throws opentest4j's
 * {@code TestAbortedException}, which JUnit (and other frameworks) report as a skipped test with
 * the message saying why, unless the environment variable {@code MTASTS_REQUIRE_SERVERS=1} is set, as in
 * CI, in which case it fails. The binary is {@code $MTASTS_KNOTD}, else {@code /usr/sbin/knotd},
 * else {@code knotd} on the {@code PATH}.
 */
public final class KnotServer implements AutoCloseable {
  /** Environment variable that turns a missing server into a failure; see {@link RequiredServer}. */
  public static final String REQUIRE_SERVERS = RequiredServer.REQUIRE_SERVERS;
  /** Environment variable naming the knotd binary. */
  public static final String KNOTD_ENV = "MTASTS_KNOTD";

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final int PROBE_WAIT_MILLIS = 200;
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final Path directory;
  private final Path log;
  private final int port;

  private KnotServer(Process process, Path directory, Path log, int port) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
  }

  /**
   * Finds the knotd binary.
   *
   * @return its path, or empty when it is not installed
   */
  public static Optional<Path> knotd() {
    return RequiredServer.binary(KNOTD_ENV, Path.of("/usr/sbin/knotd"), "knotd");
  }

  /**
   * Starts knotd serving these zones and waits until it answers.
   *
   * @param zones zone name (without the root dot) to zone-file text; the text may use relative
   *     names, {@code $ORIGIN} is set to the zone
   * @return the running server
   * @throws IOException if knotd does not start or answer in time (its log is in the message)
   * @throws TestAbortedException if knotd is not installed and {@code MTASTS_REQUIRE_SERVERS} is
   *     not {@code 1}
   * @throws IllegalStateException if knotd is not installed and {@code MTASTS_REQUIRE_SERVERS=1}
   */
  public static KnotServer start(Map<String, String> zones) throws IOException {
    Optional<Path> knotd = knotd();
    if (knotd.isEmpty()) {
      throw RequiredServer.missing("knotd (Debian package 'knot')", "install it, or set " + KNOTD_ENV
          + " to its path, to run this test");
    }
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("at least one zone is needed");
    }
    IOException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return startOnce(knotd.get(), new LinkedHashMap<>(zones));
      } catch (IOException e) {
        last = e; // most likely the port was taken in between; try another
      }
    }
    throw last;
  }

  private static KnotServer startOnce(Path knotd, Map<String, String> zones) throws IOException {
    Path dir = Files.createTempDirectory("mtasts-knotd-");
    int port = freePort();
    StringBuilder conf = new StringBuilder()
        .append("server:\n")
        .append("    rundir: \"").append(dir).append("\"\n")
        .append("    listen: 127.0.0.1@").append(port).append('\n')
        .append("    udp-workers: 1\n")
        .append("    tcp-workers: 1\n")
        .append("    background-workers: 1\n")
        .append("log:\n")
        .append("  - target: stderr\n")
        .append("    any: info\n")
        .append("database:\n")
        .append("    storage: \"").append(dir).append("\"\n")
        .append("template:\n")
        .append("  - id: default\n")
        .append("    storage: \"").append(dir).append("\"\n")
        .append("    file: \"%s.zone\"\n")
        .append("    journal-content: none\n")
        .append("    zonefile-sync: -1\n")
        .append("zone:\n");
    for (Map.Entry<String, String> zone : zones.entrySet()) {
      String origin = zone.getKey().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
      conf.append("  - domain: ").append(origin).append('\n');
      Files.writeString(dir.resolve(origin + ".zone"),
          "$ORIGIN " + origin + ".\n" + zone.getValue() + "\n", StandardCharsets.UTF_8);
    }
    Path confFile = dir.resolve("knot.conf");
    Files.writeString(confFile, conf, StandardCharsets.UTF_8);
    Path log = dir.resolve("knotd.log");
    Process process = new ProcessBuilder(knotd.toString(), "-c", confFile.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    KnotServer server = new KnotServer(process, dir, log, port);
    String firstZone = zones.keySet().iterator().next();
    try {
      server.awaitAnswer(firstZone);
      return server;
    } catch (IOException | RuntimeException e) {
      String output = server.log();
      server.close();
      throw new IOException("knotd did not start on port " + port + ": " + e.getMessage()
          + "\n--- knotd log ---\n" + output, e);
    }
  }

  /** Sends SOA queries for the zone until one is answered or the start timeout passes. */
  private void awaitAnswer(String zone) throws IOException {
    byte[] query = soaQuery(zone);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(PROBE_WAIT_MILLIS);
      InetSocketAddress target = address();
      byte[] buffer = new byte[4096];
      while (System.nanoTime() < end) {
        if (!process.isAlive()) {
          throw new IOException("knotd exited with status " + process.exitValue());
        }
        socket.send(new DatagramPacket(query, query.length, target));
        try {
          DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
          socket.receive(reply);
          boolean sameId = reply.getLength() >= 12 && buffer[0] == query[0] && buffer[1] == query[1];
          boolean noError = reply.getLength() >= 12 && (buffer[3] & 0x0F) == 0;
          if (sameId && noError) {
            return;
          }
        } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
          // not listening or not loaded yet; ask again
        }
      }
    }
    throw new IOException("no answer to a probe query within " + START_TIMEOUT_MILLIS + " ms");
  }

  private static byte[] soaQuery(String zone) {
    List<Byte> out = new ArrayList<>();
    int id = ThreadLocalRandom.current().nextInt(1 << 16);
    int[] header = {id >> 8, id & 0xFF, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int b : header) {
      out.add((byte) b);
    }
    for (String label : zone.replaceAll("\\.$", "").split("\\.")) {
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      out.add((byte) bytes.length);
      for (byte b : bytes) {
        out.add(b);
      }
    }
    int[] tail = {0, 0, 6, 0, 1}; // root, QTYPE SOA, QCLASS IN
    for (int b : tail) {
      out.add((byte) b);
    }
    byte[] query = new byte[out.size()];
    for (int i = 0; i < query.length; i++) {
      query[i] = out.get(i);
    }
    return query;
  }

  private static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
          DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
        return udp.getLocalPort();
      } catch (IOException e) {
        // the UDP port was taken; try another
      }
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
  }

  /**
   * Returns the address knotd listens on, UDP and TCP.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /**
   * Returns the address as {@code 127.0.0.1:port}.
   *
   * @return the address text
   */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /**
   * Returns what knotd has logged so far.
   *
   * @return the log text
   */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops knotd and deletes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
