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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>DNSSEC: {@link #start(Map, Set)} signs some of the zones with knotd's automatic signing (one
 * ECDSA P-256 combined signing key per zone, NSEC, keys made at start); {@link #trustAnchor(String)}
 * hands out the DS records of a signed zone, for a validator to use as its trust anchor (the zones
 * have no signed parent here). Reading them needs {@code keymgr} from the same package
 * ({@code $MTASTS_KEYMGR}, else {@code /usr/sbin/keymgr}, else on the {@code PATH}).
 */
public final class KnotServer implements AutoCloseable {
  /** Environment variable that turns a missing server into a failure; see {@link RequiredServer}. */
  public static final String REQUIRE_SERVERS = RequiredServer.REQUIRE_SERVERS;
  /** Environment variable naming the knotd binary. */
  public static final String KNOTD_ENV = "MTASTS_KNOTD";
  /** Environment variable naming the keymgr binary. */
  public static final String KEYMGR_ENV = "MTASTS_KEYMGR";
  private static final long KEYMGR_TIMEOUT_SECONDS = 30;

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final int PROBE_WAIT_MILLIS = 200;
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final Path directory;
  private final Path log;
  private final int port;
  private final Set<String> signed;

  private KnotServer(Process process, Path directory, Path log, int port, Set<String> signed) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
    this.signed = signed;
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
    return start(zones, Set.of());
  }

  /**
   * Starts knotd serving these zones, signing those named in {@code signedZones} (automatic
   * signing, {@code dnssec-signing: on}, RFC 4035 §2), and waits until it answers.
   *
   * @param zones zone name (without the root dot) to zone-file text, as for {@link #start(Map)}
   * @param signedZones the zones to sign, each one of {@code zones}
   * @return the running server
   * @throws IOException if knotd does not start or answer in time (its log is in the message)
   * @throws IllegalArgumentException if a zone to sign is not served
   * @throws TestAbortedException if knotd is not installed and {@code MTASTS_REQUIRE_SERVERS} is
   *     not {@code 1}
   * @throws IllegalStateException if knotd is not installed and {@code MTASTS_REQUIRE_SERVERS=1}
   */
  public static KnotServer start(Map<String, String> zones, Set<String> signedZones)
      throws IOException {
    Set<String> toSign = new HashSet<>();
    for (String zone : signedZones) {
      String origin = origin(zone);
      if (zones.keySet().stream().map(KnotServer::origin).noneMatch(origin::equals)) {
        throw new IllegalArgumentException("zone to sign '" + zone + "' is not served");
      }
      toSign.add(origin);
    }
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
        return startOnce(knotd.get(), new LinkedHashMap<>(zones), Set.copyOf(toSign));
      } catch (IOException e) {
        last = e; // most likely the port was taken in between; try another
      }
    }
    throw last;
  }

  private static String origin(String zone) {
    return zone.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
  }

  private static KnotServer startOnce(Path knotd, Map<String, String> zones, Set<String> signed)
      throws IOException {
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
        // One combined key (CSK), ECDSA P-256: the algorithm RFC 8624 recommends, and fast.
        .append("policy:\n")
        .append("  - id: test\n")
        .append("    algorithm: ecdsap256sha256\n")
        .append("    single-type-signing: on\n")
        .append("template:\n")
        .append("  - id: default\n")
        .append("    storage: \"").append(dir).append("\"\n")
        .append("    file: \"%s.zone\"\n")
        .append("    journal-content: none\n")
        .append("    zonefile-sync: -1\n")
        .append("zone:\n");
    for (Map.Entry<String, String> zone : zones.entrySet()) {
      String origin = origin(zone.getKey());
      conf.append("  - domain: ").append(origin).append('\n');
      if (signed.contains(origin)) {
        conf.append("    dnssec-signing: on\n")
            .append("    dnssec-policy: test\n");
      }
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
    KnotServer server = new KnotServer(process, dir, log, port, signed);
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
   * Returns the DS records of a signed zone's key (SHA-256 and SHA-384 digests), as zone-file text
   * with absolute owner names, for a validator's trust anchors: the zone has no signed parent
   * here, so its DS stands in for the chain from the root (RFC 4035 §4.4).
   *
   * @param zone a zone passed to {@link #start(Map, Set)} as signed
   * @return for example {@code "signed.test. DS 53875 13 2 b2f8...\n..."}
   * @throws IOException if {@code keymgr} fails or does not finish in time
   * @throws IllegalArgumentException if the zone is not signed
   * @throws IllegalStateException if {@code keymgr} is not installed
   */
  public String trustAnchor(String zone) throws IOException {
    String origin = origin(zone);
    if (!signed.contains(origin)) {
      throw new IllegalArgumentException("zone '" + zone + "' is not signed");
    }
    Path keymgr = RequiredServer.binary(KEYMGR_ENV, Path.of("/usr/sbin/keymgr"), "keymgr")
        .orElseThrow(() -> new IllegalStateException("keymgr (Debian package 'knot') is needed to "
            + "read the keys of a signed zone"));
    Path out = directory.resolve("ds-" + origin + ".txt");
    Process ds = new ProcessBuilder(keymgr.toString(), "-c",
        directory.resolve("knot.conf").toString(), origin, "ds")
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    try {
      if (!ds.waitFor(KEYMGR_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        ds.destroyForcibly();
        throw new IOException("keymgr did not finish within " + KEYMGR_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      ds.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for keymgr", e);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    if (ds.exitValue() != 0 || !text.contains(" DS ")) {
      throw new IOException("keymgr " + origin + " ds failed (status " + ds.exitValue() + "): "
          + text);
    }
    return text;
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
