package dev.mtasts.benchmarks;

import dev.mtasts.testing.KnotServer;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Postfix socketmap load generator: many Postfix-like clients (persistent connections,
 * pipelined lookups, socketmap_table(5) netstrings) against this project's daemon and against
 * Debian's {@code mta-sts-daemon} (postfix-mta-sts-resolver 1.1.2, "PMSR"), one after the other in
 * the same run on the same machine, over cached domains; it prints queries per second, latency
 * percentiles and each server's resident memory. See docs/performance.md, "Postfix policy server".
 *
 * <pre>
 * java -cp mta-sts-benchmarks/target/benchmarks.jar dev.mtasts.benchmarks.SocketmapLoad \
 *     [--sizes=1000,100000] [--real-warm-max=1000] [--connections=16] [--depth=4] \
 *     [--seconds=15] [--warmup-seconds=5] [--servers=ours,pmsr] [--daemon-jvm=-Xmx512m] \
 *     [--remove-on-cancel=false]
 * </pre>
 *
 * <p>Both servers get the same domains {@code d<i>.bench.test} ({@link BenchDomains}), each with
 * an {@code enforce} policy and its {@code _mta-sts} TXT record in knotd, and the same warm-up
 * pass that looks up every domain once; the measured lookups are all cached. Up to
 * {@code --real-warm-max} domains, each server resolves each domain for real in that pass (TXT
 * from knotd, the policy over HTTPS from {@link MultiNamePolicyHost}, trusted through the test
 * CA). Beyond that, 100,000 HTTPS fetches would outlast the run (about 20 domains/s for PMSR
 * here), so both servers start pre-filled from one file: our resolver's policy store (then each
 * domain's first lookup applies the stored policy, CAC-18) and PMSR's internal cache (entries made
 * by PMSR's own policy parser, see pmsr-loopback.py). Every measured lookup must be answered
 * {@code OK}; anything else counts as an error.
 */
public final class SocketmapLoad {
  /** The socketmap name in each request: our daemon's default zone; PMSR serves any name. */
  static final String MAP_NAME = "postfix";
  /** Latency histogram: one bucket per microsecond up to 100 ms, then one overflow bucket. */
  static final int BUCKETS = 100_000;
  /** The password of the test CA's trust store file: it guards nothing, the file is a test CA certificate. */
  private static final String TRUST_STORE_PASSWORD = "test-ca";
  private static final byte[] OK = "OK ".getBytes(StandardCharsets.US_ASCII);

  private SocketmapLoad() {}

  /** What one measured run of one server gave. */
  record Result(String server, int domains, long queries, long errors, double seconds, long p50Micros,
      long p99Micros, long p999Micros, long maxMicros, long residentKib, double cpuSeconds) {
    double perSecond() {
      return queries / seconds;
    }

    /** The server's CPU time (user + system) per answered query: its cost, whatever the machine's load. */
    double cpuMicrosPerQuery() {
      return cpuSeconds * 1e6 / queries;
    }
  }

  /**
   * Runs the comparison and prints the results.
   *
   * @param args the options in the class description
   * @throws Exception if a server or the test kit fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>(Map.of("sizes", "1000,100000", "real-warm-max", "1000",
        "connections", "16", "depth", "4", "seconds", "15", "warmup-seconds", "5", "servers", "ours,pmsr",
        "daemon-jvm", "-Xmx512m", "remove-on-cancel", "false"));
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !o.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown option " + a + "; options: " + o.keySet());
      }
      o.put(kv[0], kv[1]);
    }
    int connections = Integer.parseInt(o.get("connections"));
    int depth = Integer.parseInt(o.get("depth"));
    int realWarmMax = Integer.parseInt(o.get("real-warm-max"));
    List<Result> results = new ArrayList<>();
    TestPki pki = TestPki.create();
    Path dir = Files.createTempDirectory("mtasts-socketmap-load-");
    Path caPem = dir.resolve("test-ca.pem");
    Files.writeString(caPem, pem(pki), StandardCharsets.US_ASCII);
    Path caP12 = dir.resolve("test-ca.p12");
    try (OutputStream out = Files.newOutputStream(caP12)) {
      pki.trustStore().store(out, TRUST_STORE_PASSWORD.toCharArray());
    }
    System.out.printf(Locale.ROOT, "connections %d, pipeline depth %d, %s s measured after %s s of warm-up%n",
        connections, depth, o.get("seconds"), o.get("warmup-seconds"));
    for (String sizeText : o.get("sizes").split(",")) {
      int size = Integer.parseInt(sizeText.trim());
      boolean prefillBoth = size > realWarmMax;
      byte[][] requests = new byte[size][];
      for (int i = 0; i < size; i++) {
        requests[i] = SocketmapClient.request(MAP_NAME, BenchDomains.domain(i));
      }
      try (KnotServer knot = KnotServer.start(Map.of(BenchDomains.ZONE, zone(size)));
          MultiNamePolicyHost host = MultiNamePolicyHost.start(pki, prefillBoth ? 1 : size, 2)) {
        for (String which : o.get("servers").split(",")) {
          Path serverDir = Files.createDirectories(dir.resolve(which + "-" + size));
          ServerProcess server;
          Path prefill = prefillBoth ? writePrefill(serverDir.resolve("prefill.tsv"), size) : null;
          if (which.equals("ours")) {
            List<String> daemonArgs = new ArrayList<>(List.of("--dns=" + knot.hostPort(),
                "--https=127.0.0.1:" + host.address().getPort(), "--max-domains=" + (size + 1000)));
            if (prefill != null) {
              daemonArgs.add("--prefill=" + prefill);
            }
            if (Boolean.parseBoolean(o.get("remove-on-cancel"))) {
              daemonArgs.add("--remove-on-cancel");
            }
            List<String> jvm = new ArrayList<>(List.of(o.get("daemon-jvm").split(" ")));
            jvm.addAll(List.of("-Djavax.net.ssl.trustStore=" + caP12, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD));
            server = ServerProcess.ours(serverDir, jvm, daemonArgs);
          } else if (which.equals("pmsr")) {
            server = ServerProcess.pmsr(serverDir, size + 1000, knot.hostPort(), host.address(), caPem, prefill);
          } else {
            throw new IllegalArgumentException("servers: ours, pmsr; not " + which);
          }
          try (server) {
            results.add(measure(server, requests, connections, depth, Integer.parseInt(o.get("warmup-seconds")),
                Integer.parseInt(o.get("seconds"))));
          }
        }
      }
    }
    System.out.println();
    System.out.println("| Server | Cached domains | Queries/s | p50 | p99 | p99.9 | max | Errors | Server CPU/query | RSS |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %s | %s | %s | %,d µs | %d | %.1f µs | %,d KiB |%n", r.server(),
          r.domains(), r.perSecond(), micros(r.p50Micros()), micros(r.p99Micros()), micros(r.p999Micros()),
          r.maxMicros(), r.errors(), r.cpuMicrosPerQuery(), r.residentKib());
    }
    for (Result ours : results) {
      for (Result pmsr : results) {
        if (ours.domains() == pmsr.domains() && ours.server().startsWith("mta-sts") && pmsr.server().startsWith("PMSR")) {
          System.out.printf(Locale.ROOT,
              "%,d domains: throughput ours / PMSR = %.2f; CPU per query PMSR / ours = %.2f; RSS ours / PMSR = %.2f%n",
              ours.domains(), ours.perSecond() / pmsr.perSecond(), pmsr.cpuMicrosPerQuery() / ours.cpuMicrosPerQuery(),
              (double) ours.residentKib() / pmsr.residentKib());
        }
      }
    }
  }

  /** Warms one server with every domain once, then measures it. */
  static Result measure(ServerProcess server, byte[][] requests, int connections, int depth, int warmupSeconds,
      int seconds) throws IOException, InterruptedException {
    System.out.printf(Locale.ROOT, "%s, %,d domains: load average %s%n", server, requests.length, loadAverage());
    long start = System.nanoTime();
    Stats warm = drive(server.address(), requests, connections, depth, 0, 0, true);
    System.out.printf(Locale.ROOT, "  warm-up pass: %,d lookups in %.1f s, %,d not OK%s%n", warm.replies,
        (System.nanoTime() - start) / 1e9, warm.errors, warm.firstError == null ? "" : " (e.g. " + warm.firstError + ")");
    if (warm.errors == 0) {
      // A second pass: the first may have left background work (TXT re-checks after a pre-fill).
      drive(server.address(), requests, connections, depth, 0, 0, true);
    }
    long rssWarm = server.residentKib();
    double cpuBefore = server.cpuSeconds();
    Stats run = drive(server.address(), requests, connections, depth, warmupSeconds, seconds, false);
    double cpu = server.cpuSeconds() - cpuBefore;
    long rss = server.residentKib();
    long[] hist = run.histogram;
    Result r = new Result(server.name(), requests.length, run.replies, run.errors, seconds, percentile(hist, 0.50),
        percentile(hist, 0.99), percentile(hist, 0.999), run.maxNanos / 1000, rss, cpu);
    System.out.printf(Locale.ROOT,
        "  %,.0f queries/s, p50 %s, p99 %s, p99.9 %s, max %d µs, %d errors%s; server CPU %.1f µs/query;"
            + " RSS %,d KiB after the warm-up pass, %,d KiB after the run; load average %s%n",
        r.perSecond(), micros(r.p50Micros()), micros(r.p99Micros()), micros(r.p999Micros()), r.maxMicros(), r.errors(),
        run.firstError == null ? "" : " (e.g. " + run.firstError + ")", r.cpuMicrosPerQuery(), rssWarm, rss,
        loadAverage());
    return r;
  }

  /** What the connections of one pass saw. */
  static final class Stats {
    long replies;
    long errors;
    long maxNanos;
    @Nullable String firstError;
    final long[] histogram = new long[BUCKETS + 1];

    synchronized void add(Stats other) {
      replies += other.replies;
      errors += other.errors;
      maxNanos = Math.max(maxNanos, other.maxNanos);
      if (firstError == null) {
        firstError = other.firstError;
      }
      for (int i = 0; i < histogram.length; i++) {
        histogram[i] += other.histogram[i];
      }
    }
  }

  /**
   * Drives {@code connections} persistent connections, each with {@code depth} lookups in flight.
   * With {@code once}, the domains are split between the connections and each looked up once;
   * otherwise each connection walks all domains from its own offset for {@code warmupSeconds}
   * (not recorded) and then {@code seconds} (recorded).
   */
  static Stats drive(InetSocketAddress server, byte[][] requests, int connections, int depth, int warmupSeconds,
      int seconds, boolean once) throws InterruptedException {
    ExecutorService threads = Executors.newFixedThreadPool(connections, r -> {
      Thread t = new Thread(r, "socketmap-client");
      t.setDaemon(true);
      return t;
    });
    long recordFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = recordFrom + TimeUnit.SECONDS.toNanos(seconds);
    try {
      List<Future<Stats>> futures = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int first = (int) ((long) requests.length * c / connections);
        int last = (int) ((long) requests.length * (c + 1) / connections);
        futures.add(threads.submit(() -> once ? connection(server, requests, first, last, depth, 0, Long.MAX_VALUE)
            : connection(server, requests, first, -1, depth, recordFrom, end)));
      }
      Stats total = new Stats();
      for (Future<Stats> f : futures) {
        try {
          total.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a client connection failed: " + e.getCause(), e.getCause());
        }
      }
      return total;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * One client: keeps {@code depth} lookups in flight on one connection; the latency of a lookup
   * is from writing its request to reading its reply (replies come in request order).
   * {@code last >= 0}: look up {@code first..last-1} once; else walk every domain from
   * {@code first}, with a stride, until {@code end}, recording replies from {@code recordFrom}.
   */
  static Stats connection(InetSocketAddress server, byte[][] requests, int first, int last, int depth,
      long recordFrom, long end) {
    Stats s = new Stats();
    long[] sentAt = new long[depth];
    int head = 0;
    int inFlight = 0;
    int next = first;
    int stride = 7919 % requests.length == 0 ? 1 : 7919;
    try (SocketmapClient client = new SocketmapClient(server)) {
      while (true) {
        boolean more = last >= 0 ? next < last : System.nanoTime() < end;
        while (more && inFlight < depth) {
          client.send(requests[next]);
          sentAt[(head + inFlight) % depth] = System.nanoTime();
          inFlight++;
          next = last >= 0 ? next + 1 : (next + stride) % requests.length;
          more = last >= 0 ? next < last : System.nanoTime() < end;
        }
        if (inFlight == 0) {
          return s;
        }
        client.flush();
        client.read();
        long now = System.nanoTime();
        long latency = now - sentAt[head];
        head = (head + 1) % depth;
        inFlight--;
        if (now >= recordFrom && now < end) {
          s.replies++;
          s.histogram[(int) Math.min(BUCKETS, latency / 1000)]++;
          s.maxNanos = Math.max(s.maxNanos, latency);
          if (!client.startsWith(OK)) {
            s.errors++;
            if (s.firstError == null) {
              s.firstError = client.lastReply();
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A percentile for the table: the overflow bucket reads "> 100 ms". */
  static String micros(long value) {
    return value > BUCKETS ? "> 100 ms" : String.format(Locale.ROOT, "%,d µs", value);
  }

  /** The value at quantile {@code q}, in microseconds: the upper edge of its 1 µs bucket. */
  static long percentile(long[] histogram, double q) {
    long total = 0;
    for (long n : histogram) {
      total += n;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < histogram.length; i++) {
      seen += histogram[i];
      if (seen >= rank && seen > 0) {
        return i + 1L;
      }
    }
    return 0;
  }

  /** The zone of knotd: one {@code _mta-sts} TXT record per domain. */
  static String zone(int size) {
    StringBuilder zone = new StringBuilder("$TTL 86400\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
        + "ns A 127.0.0.1\n");
    for (int i = 0; i < size; i++) {
      zone.append("_mta-sts.d").append(i).append(" TXT \"").append(BenchDomains.STS_RECORD).append("\"\n");
    }
    return zone.toString();
  }

  /** The pre-fill file both servers read: {@code domain<TAB>id<TAB>policy}, newlines as {@code \n}. */
  static Path writePrefill(Path file, int size) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < size; i++) {
      text.append(BenchDomains.domain(i)).append('\t').append(BenchDomains.POLICY_ID).append('\t')
          .append(BenchDomains.policy(i).replace("\r\n", "\\n")).append('\n');
    }
    return Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  private static String pem(TestPki pki) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
              pki.caCertificate().getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
