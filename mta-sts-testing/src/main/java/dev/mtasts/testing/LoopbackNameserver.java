package dev.mtasts.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * A name server on port 53 of a private loopback address, for programs that can only use the
 * system resolver: Postfix's SMTP client (res_search(3) reads {@code /etc/resolv.conf}, and a
 * {@code nameserver} line takes no port) and Debian's {@code mta-sts-daemon} (c-ares and
 * getaddrinfo(3)). It relays each query to the knotd that serves the longest matching zone
 * ({@link #route}), so that several {@link FakeDomain}s, each with its own knotd on an ephemeral
 * port, share one resolver; a zone can be re-routed at run time (a domain "changes its records")
 * or made to fail ({@link #fail}: SERVFAIL). A name under no zone gets REFUSED.
 *
 * <p>The program is pointed at it without touching the machine's configuration: {@link #isolate}
 * wraps its command line in {@code unshare -m} (a private mount namespace, unshare(1)) that
 * bind-mounts a generated {@code resolv.conf} over {@code /etc/resolv.conf} for that process and
 * its children only. This needs root (or CAP_SYS_ADMIN) and port 53: where either is missing,
 * {@link #start()} reports it through {@link RequiredServer} (skip, or fail under
 * {@code MTASTS_REQUIRE_SERVERS=1}).
 *
 * <p>Bounds: queries of at most 512 bytes over UDP (and 65,535 over TCP) are relayed; each waits
 * at most {@value #UPSTREAM_TIMEOUT_MILLIS} ms for the upstream answer, then gets no answer (the
 * client times out as it would on a lost packet). The address is {@code 127.X.Y.53} with X, Y
 * random; a port clash makes it try another address, at most {@value #ATTEMPTS} times.
 */
public final class LoopbackNameserver implements AutoCloseable {
  /** How long a relayed query waits for knotd's answer. */
  public static final int UPSTREAM_TIMEOUT_MILLIS = 5_000;
  /** How many addresses are tried before giving up on a port clash. */
  public static final int ATTEMPTS = 5;

  private static final int MAX_UDP = 512;
  private static final int RCODE_SERVFAIL = 2;
  private static final int RCODE_REFUSED = 5;
  private static volatile @Nullable Boolean namespacesWork;

  private final InetAddress address;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Path directory;
  private final Path resolvConf;
  private final Map<String, Optional<InetSocketAddress>> routes = new ConcurrentHashMap<>();
  private final List<TunnelProxy> forwards = new CopyOnWriteArrayList<>();
  private final Set<InetAddress> forwarded = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> PolicyHost.daemon(r, "loopback-ns"));
  private volatile boolean closed;

  private LoopbackNameserver(InetAddress address, DatagramSocket udp, ServerSocket tcp) throws IOException {
    this.address = address;
    this.udp = udp;
    this.tcp = tcp;
    this.directory = Files.createTempDirectory("mtasts-ns-");
    this.resolvConf = directory.resolve("resolv.conf");
    // One attempt, a short timeout: a failure case should fail fast, not after glibc's 5 s x 2.
    Files.writeString(resolvConf, "nameserver " + address.getHostAddress() + "\noptions timeout:2 attempts:1\n",
        StandardCharsets.US_ASCII);
    threads.execute(this::serveUdp);
    threads.execute(this::serveTcp);
  }

  /**
   * Starts the name server on port 53 of a free {@code 127.X.Y.53}.
   *
   * @return the running server, with no zone routed yet
   * @throws IOException if no address could be bound
   * @throws TestAbortedException if this process may not bind port 53 or create a mount
   *     namespace (not root), and {@code MTASTS_REQUIRE_SERVERS} is not {@code 1}
   * @throws IllegalStateException in that case when {@code MTASTS_REQUIRE_SERVERS=1}
   */
  public static LoopbackNameserver start() throws IOException {
    requireNamespaces();
    BindException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      InetAddress at = InetAddress.getByAddress(
          new byte[] {127, (byte) random.nextInt(1, 255), (byte) random.nextInt(0, 256), 53});
      DatagramSocket udp = null;
      try {
        udp = new DatagramSocket(new InetSocketAddress(at, 53));
        ServerSocket tcp = new ServerSocket();
        try {
          tcp.bind(new InetSocketAddress(at, 53), 50);
        } catch (IOException e) {
          tcp.close();
          throw e;
        }
        return new LoopbackNameserver(at, udp, tcp);
      } catch (BindException e) {
        if (udp != null) {
          udp.close();
        }
        if (e.getMessage() != null && e.getMessage().contains("Permission denied")) {
          throw RequiredServer.missing("root (to bind port 53 for the system resolver)",
              "run the test as root, as CI does");
        }
        last = e; // taken on that address; try another
      }
    }
    throw new IOException("no free port 53 on " + ATTEMPTS + " loopback addresses", last);
  }

  /**
   * Checks once per JVM that {@code unshare -m} works here (root with CAP_SYS_ADMIN).
   *
   * @throws TestAbortedException if not, unless {@code MTASTS_REQUIRE_SERVERS=1}
   * @throws IllegalStateException if not, when {@code MTASTS_REQUIRE_SERVERS=1}
   */
  static void requireNamespaces() {
    Boolean works = namespacesWork;
    if (works == null) {
      works = probeUnshare();
      namespacesWork = works;
    }
    if (!works) {
      throw RequiredServer.missing("a private mount namespace (unshare -m, util-linux, as root)",
          "run the test as root on Linux with CAP_SYS_ADMIN, as CI does");
    }
  }

  private static boolean probeUnshare() {
    Optional<Path> unshare = RequiredServer.binary("MTASTS_UNSHARE", Path.of("/usr/bin/unshare"), "unshare");
    if (unshare.isEmpty()) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(unshare.get().toString(), "-m", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Sends the queries for {@code zone} and every name under it to a knotd.
   *
   * @param zone the zone, such as {@code example.test}
   * @param knotd {@code 127.0.0.1:port}, as {@link FakeDomain#dnsServer()} and
   *     {@link KnotServer#hostPort()} give it
   * @return this server
   */
  public LoopbackNameserver route(String zone, String knotd) {
    int colon = knotd.lastIndexOf(':');
    routes.put(key(zone), Optional.of(new InetSocketAddress(knotd.substring(0, colon),
        Integer.parseInt(knotd.substring(colon + 1)))));
    return this;
  }

  /**
   * Sends the queries for a fake domain's zone to its knotd ({@link #route(String, String)}), and
   * forwards port 443 of {@code mta-sts.<domain>}'s address to its policy host
   * ({@link TunnelProxy#forward}), so that a program that always dials 443 fetches from it. The
   * forward lives until this server is closed.
   *
   * @param domain the domain
   * @return this server
   * @throws UncheckedIOException if port 443 of that address cannot be bound
   */
  public LoopbackNameserver route(FakeDomain domain) {
    InetAddress policyAddress = domain.address("mta-sts." + domain.domain());
    if (forwarded.add(policyAddress)) {
      try {
        forwards.add(TunnelProxy.forward(new InetSocketAddress(policyAddress, 443),
            domain.policyHost().address()));
      } catch (IOException e) {
        forwarded.remove(policyAddress);
        throw new UncheckedIOException("cannot forward " + policyAddress.getHostAddress() + ":443", e);
      }
    }
    return route(domain.domain(), domain.dnsServer());
  }

  /**
   * Answers every query for {@code zone} and names under it with SERVFAIL, as a broken or
   * unreachable authoritative server seen through a resolver would.
   *
   * @param zone the zone
   * @return this server
   */
  public LoopbackNameserver fail(String zone) {
    routes.put(key(zone), Optional.empty());
    return this;
  }

  /**
   * Returns the address the server listens on, UDP and TCP.
   *
   * @return {@code 127.X.Y.53} and port 53
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(address, 53);
  }

  /**
   * Returns the generated {@code resolv.conf}: this server only, one attempt, 2 s timeout.
   *
   * @return its path
   */
  public Path resolvConf() {
    return resolvConf;
  }

  /**
   * Wraps a command line so that it, and every process it starts, resolves names through this
   * server: {@code unshare -m sh -c 'mount --bind RESOLV /etc/resolv.conf && exec "$@"'}. The
   * mount is private to the new namespace (unshare(1) makes mounts private by default), so the
   * machine's resolver is untouched.
   *
   * @param command the program and its arguments
   * @return the wrapped command line
   */
  public List<String> isolate(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
        "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Stops serving and deletes the generated file. */
  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // teardown
    }
    threads.shutdownNow();
    forwards.forEach(TunnelProxy::close);
    try {
      Files.deleteIfExists(resolvConf);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }

  private static String key(String zone) {
    return zone.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
  }

  /** What to do with a query: the upstream, or an RCODE to answer with at once. */
  private record Route(@Nullable InetSocketAddress upstream, int rcode) {}

  private Route routeFor(byte[] query, int length) {
    String name = questionName(query, length);
    if (name == null) {
      return new Route(null, RCODE_REFUSED);
    }
    String n = name;
    while (true) {
      Optional<InetSocketAddress> r = routes.get(n);
      if (r != null) {
        return r.map(a -> new Route(a, 0)).orElse(new Route(null, RCODE_SERVFAIL));
      }
      int dot = n.indexOf('.');
      if (dot < 0) {
        return new Route(null, RCODE_REFUSED);
      }
      n = n.substring(dot + 1);
    }
  }

  /** Reads the first question's name (no compression is allowed there), or null if malformed. */
  private static @Nullable String questionName(byte[] m, int length) {
    if (length < 12) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    int i = 12;
    while (i < length) {
      int len = m[i] & 0xFF;
      if (len == 0) {
        return name.toString().toLowerCase(Locale.ROOT);
      }
      if (len > 63 || i + 1 + len > length) {
        return null;
      }
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(m, i + 1, len, StandardCharsets.ISO_8859_1));
      i += 1 + len;
    }
    return null;
  }

  /** The query turned into a header-and-question answer with {@code rcode}. */
  private static byte[] errorAnswer(byte[] query, int length, int rcode) {
    byte[] a = java.util.Arrays.copyOf(query, length);
    a[2] = (byte) (0x80 | (a[2] & 0x79)); // QR=1, keep opcode and RD, clear AA/TC
    a[3] = (byte) (0x80 | rcode); // RA=1
    for (int i = 6; i < 12; i++) {
      a[i] = 0; // no answer, authority or additional records
    }
    return a;
  }

  private void serveUdp() {
    while (!closed) {
      byte[] buffer = new byte[MAX_UDP];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return; // closed
      }
      threads.execute(() -> relayUdp(buffer, packet.getLength(), packet.getSocketAddress()));
    }
  }

  private void relayUdp(byte[] query, int length, java.net.SocketAddress client) {
    Route route = routeFor(query, length);
    try {
      byte[] answer;
      int answerLength;
      if (route.upstream() == null) {
        answer = errorAnswer(query, length, route.rcode());
        answerLength = answer.length;
      } else {
        try (DatagramSocket s = new DatagramSocket()) {
          s.setSoTimeout(UPSTREAM_TIMEOUT_MILLIS);
          s.connect(route.upstream());
          s.send(new DatagramPacket(query, length));
          answer = new byte[65_535];
          DatagramPacket reply = new DatagramPacket(answer, answer.length);
          s.receive(reply);
          answerLength = reply.getLength();
        }
      }
      udp.send(new DatagramPacket(answer, answerLength, client));
    } catch (IOException e) {
      // no answer: the client times out, as on a lost packet
    }
  }

  private void serveTcp() {
    while (!closed) {
      Socket client;
      try {
        client = tcp.accept();
      } catch (IOException e) {
        return; // closed
      }
      threads.execute(() -> relayTcp(client));
    }
  }

  private void relayTcp(Socket client) {
    try (client) {
      client.setSoTimeout(UPSTREAM_TIMEOUT_MILLIS);
      DataInputStream in = new DataInputStream(client.getInputStream());
      DataOutputStream out = new DataOutputStream(client.getOutputStream());
      while (true) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (IOException e) {
          return; // the client is done
        }
        byte[] query = in.readNBytes(length);
        Route route = routeFor(query, query.length);
        byte[] answer;
        if (route.upstream() == null) {
          answer = errorAnswer(query, query.length, route.rcode());
        } else {
          try (Socket up = new Socket()) {
            up.connect(route.upstream(), UPSTREAM_TIMEOUT_MILLIS);
            up.setSoTimeout(UPSTREAM_TIMEOUT_MILLIS);
            DataOutputStream upOut = new DataOutputStream(up.getOutputStream());
            upOut.writeShort(query.length);
            upOut.write(query);
            upOut.flush();
            DataInputStream upIn = new DataInputStream(up.getInputStream());
            answer = upIn.readNBytes(upIn.readUnsignedShort());
          }
        }
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (SocketException e) {
      // closed
    } catch (IOException e) {
      // the client or knotd went away: the client retries or fails as on a network fault
    }
  }

  @Override
  public String toString() {
    return "LoopbackNameserver[" + address.getHostAddress() + ":53]";
  }
}
