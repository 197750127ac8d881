package dev.mtasts.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A socketmap server under test, run as a child process on loopback so that its resident memory
 * is its own: Debian's {@code mta-sts-daemon} (postfix-mta-sts-resolver, "PMSR") or this
 * project's server ({@link SocketmapDaemon}) in a JVM of its own.
 */
final class ServerProcess implements AutoCloseable {
  /** How long a server may take to accept connections (PMSR pre-filling 100,000 entries, a JVM starting). */
  private static final long START_TIMEOUT_SECONDS = 300;

  private final String name;
  private final Process process;
  private final InetSocketAddress address;
  private final Path log;

  private ServerProcess(String name, Process process, InetSocketAddress address, Path log) {
    this.name = name;
    this.process = process;
    this.address = address;
    this.log = log;
  }

  /**
   * Starts PMSR with an internal cache, its DNS pointed at {@code dns} and every policy host at
   * {@code https} by {@code pmsr-loopback.py}; it trusts the test CA through {@code SSL_CERT_FILE}.
   *
   * @param dir a throwaway directory for its configuration and log
   * @param cacheSize the internal cache's size (PMSR's default, 10,000, would evict)
   * @param dns knotd's {@code host:port}
   * @param https the policy host
   * @param caPem the test CA certificate
   * @param prefill the pre-fill file, or {@code null} to warm by queries only
   */
  static ServerProcess pmsr(Path dir, int cacheSize, String dns, InetSocketAddress https, Path caPem,
      @Nullable Path prefill) throws IOException {
    int port = freePort();
    Path config = dir.resolve("mta-sts-daemon.yml");
    // cache_grace: PMSR re-checks the TXT record of an entry older than this (default 60 s); a
    // day keeps every measured lookup a cache hit, as the resolver's TXT re-check interval does.
    Files.writeString(config, String.join("\n",
        "host: 127.0.0.1",
        "port: " + port,
        "reuse_port: true",
        "cache_grace: 86400",
        "cache:",
        "  type: internal",
        "  options:",
        "    cache_size: " + cacheSize,
        "default_zone:",
        "  strict_testing: false",
        "  timeout: 30",
        ""), StandardCharsets.UTF_8);
    Path script = dir.resolve("pmsr-loopback.py");
    try (InputStream in = ServerProcess.class.getResourceAsStream("pmsr-loopback.py")) {
      if (in == null) {
        throw new IOException("pmsr-loopback.py is missing from the class path");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "-c", config.toString(), "-v",
        "warn");
    Map<String, String> env = pb.environment();
    env.put("MTASTS_BENCH_DNS", dns);
    env.put("MTASTS_BENCH_HTTPS", https.getAddress().getHostAddress() + ":" + https.getPort());
    env.put("SSL_CERT_FILE", caPem.toString());
    if (prefill != null) {
      env.put("MTASTS_BENCH_PREFILL", prefill.toString());
    }
    return start("PMSR 1.1.2", pb, dir.resolve("pmsr.log"), port);
  }

  /**
   * Starts this project's server, {@link SocketmapDaemon}, in a JVM of its own on this JVM's class
   * path.
   *
   * @param dir a throwaway directory for its log
   * @param jvmOptions options for its JVM, such as the heap size
   * @param daemonArgs {@link SocketmapDaemon}'s arguments, less {@code --port}
   */
  static ServerProcess ours(Path dir, List<String> jvmOptions, List<String> daemonArgs) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SocketmapDaemon.class.getName());
    command.add("--port=" + port);
    command.addAll(daemonArgs);
    return start("mta-sts-postfix", new ProcessBuilder(command), dir.resolve("ours.log"), port);
  }

  private static ServerProcess start(String name, ProcessBuilder pb, Path log, int port) throws IOException {
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    ServerProcess server = new ServerProcess(name, process, address, log);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 1000);
        return server;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > end) {
          server.close();
          throw new IOException(name + " did not start on port " + port + "; its log:\n" + server.log());
        }
      }
      try {
        // A driver polling a child process, not a test: a short pause between connection attempts.
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.close();
        throw new IOException("interrupted while " + name + " was starting", e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String name() {
    return name;
  }

  InetSocketAddress address() {
    return address;
  }

  long pid() {
    return process.pid();
  }

  /** The resident set size of the server process ({@code VmRSS} in {@code /proc/PID/status}), in KiB. */
  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  /**
   * The server process's CPU time so far, user plus system ({@code utime} and {@code stime} in
   * {@code /proc/PID/stat}, in clock ticks of 1/100 s, the Linux {@code USER_HZ}).
   */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  String log() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (pid %d, %s)", name, process.pid(), address);
  }
}
