package dev.mtasts.postfix;

import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Text;
import dev.mtasts.postfix.internal.YamlNodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The daemon's configuration, read from a YAML file (docs/postfix.md, "CONFIGURATION"). Every key
 * is optional; a missing file section takes the defaults below. The file is checked as a whole at
 * start: unknown keys, wrong types and bad values are all reported, each with its line
 * ({@link ConfigException}, PFX-18).
 *
 * <pre>{@code
 * listen:
 *   tcp: 127.0.0.1:8461          # "none" for no TCP listener
 *   unix: /run/mta-sts-postfix/socketmap.sock
 *   unix_mode: "0660"
 * store:
 *   directory: /var/lib/mta-sts-postfix   # "memory" keeps nothing across restarts
 * dns:
 *   servers: [127.0.0.1]         # default: /etc/resolv.conf
 *   timeout: 5s
 *   dnssec: auto                 # auto | trust-ad | anchors | off (DANE detection, below)
 *   trust_anchors: /usr/share/dns/root.ds   # with dnssec: anchors
 * dane: true                     # DANE precedence (RFC 8461 §2)
 * metrics:
 *   listen: 127.0.0.1:8462       # "none" for no /metrics endpoint
 * limits:
 *   max_connections: 256
 *   max_request_bytes: 4096
 *   idle_timeout: 5m
 *   shutdown_grace: 10s
 * refresh:
 *   interval: 10m
 * zones:
 *   postfix:
 *     strict_testing: false
 *     temp_failure: notfound     # or temp
 *     tlsrpt: false
 *     dane_answer: dane-only     # or dane
 *     query_timeout: 10s
 * }</pre>
 *
 * @param tcp the TCP listener, or {@code null} for none (default {@code 127.0.0.1:8461})
 * @param unixSocket the Unix socket, or {@code null} for none (default none)
 * @param unixMode the Unix socket's permissions (default {@code 0660})
 * @param storeDirectory where policies are kept across restarts, or {@code null} to keep them in
 *     memory only (default {@code /var/lib/mta-sts-postfix})
 * @param dnsServers the recursive resolvers, {@code host[:port]}; empty for the system's
 * @param dnsTimeout the deadline of one DNS lookup (default 5 seconds)
 * @param dane whether DANE takes precedence over MTA-STS (default {@code true})
 * @param dnssec where DANE detection gets DNSSEC-authenticated answers (default {@link Dnssec#AUTO})
 * @param trustAnchors the trust anchors file for {@link Dnssec#ANCHORS} (default
 *     {@code /usr/share/dns/root.ds}, Debian's {@code dns-root-data})
 * @param metrics the {@code /metrics} listener, or {@code null} for none (default
 *     {@code 127.0.0.1:8462})
 * @param maxConnections the most open socketmap connections (default 256)
 * @param maxRequestBytes the largest request (default 4,096 bytes)
 * @param idleTimeout the idle timeout of a connection (default 5 minutes)
 * @param shutdownGrace how long in-flight queries may finish at shutdown (default 10 seconds)
 * @param refreshInterval the time between proactive refresh rounds (default 10 minutes)
 * @param zones the zones by table name (default one zone {@code postfix} with the defaults)
 */
public record DaemonConfig(@Nullable InetSocketAddress tcp, @Nullable Path unixSocket,
    Set<PosixFilePermission> unixMode, @Nullable Path storeDirectory, List<String> dnsServers,
    Duration dnsTimeout, boolean dane, Dnssec dnssec, Path trustAnchors, @Nullable InetSocketAddress metrics,
    int maxConnections,
    int maxRequestBytes, Duration idleTimeout, Duration shutdownGrace, Duration refreshInterval,
    Map<String, ZoneOptions> zones) {

  /** The default configuration file: {@code /etc/mta-sts/postfix.yml}. */
  public static final Path DEFAULT_FILE = Path.of("/etc/mta-sts/postfix.yml");
  /** The default store directory: {@code /var/lib/mta-sts-postfix}. */
  public static final Path DEFAULT_STORE = Path.of("/var/lib/mta-sts-postfix");
  /** The default metrics address: {@code 127.0.0.1:8462}. */
  public static final InetSocketAddress DEFAULT_METRICS = new InetSocketAddress("127.0.0.1", 8462);
  /** The default trust anchors file: {@code /usr/share/dns/root.ds} (Debian's {@code dns-root-data}). */
  public static final Path DEFAULT_TRUST_ANCHORS = Path.of("/usr/share/dns/root.ds");
  /** The largest configuration file read: 1 MiB. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final Set<String> TOP = Set.of("listen", "store", "dns", "dane", "metrics", "limits", "refresh", "zones");
  private static final Set<String> LISTEN = Set.of("tcp", "unix", "unix_mode");
  private static final Set<String> STORE = Set.of("directory");
  private static final Set<String> DNS = Set.of("servers", "timeout", "dnssec", "trust_anchors");
  private static final Set<String> METRICS = Set.of("listen");
  private static final Set<String> LIMITS = Set.of("max_connections", "max_request_bytes", "idle_timeout", "shutdown_grace");
  private static final Set<String> REFRESH = Set.of("interval");
  private static final Set<String> ZONE = Set.of("strict_testing", "temp_failure", "tlsrpt", "dane_answer", "query_timeout");

  /**
   * Validates the components.
   *
   * @param tcp the {@code tcp} component
   * @param unixSocket the {@code unixSocket} component
   * @param unixMode the {@code unixMode} component
   * @param storeDirectory the {@code storeDirectory} component
   * @param dnsServers the {@code dnsServers} component
   * @param dnsTimeout the {@code dnsTimeout} component
   * @param dane the {@code dane} component
   * @param dnssec the {@code dnssec} component
   * @param trustAnchors the {@code trustAnchors} component
   * @param metrics the {@code metrics} component
   * @param maxConnections the {@code maxConnections} component
   * @param maxRequestBytes the {@code maxRequestBytes} component
   * @param idleTimeout the {@code idleTimeout} component
   * @param shutdownGrace the {@code shutdownGrace} component
   * @param refreshInterval the {@code refreshInterval} component
   * @param zones the {@code zones} component
   * @throws IllegalArgumentException if there is no listener or no zone
   */
  public DaemonConfig {
    unixMode = Set.copyOf(unixMode);
    dnsServers = List.copyOf(dnsServers);
    zones = Map.copyOf(zones);
    Objects.requireNonNull(dnsTimeout, "dnsTimeout");
    Objects.requireNonNull(dnssec, "dnssec");
    Objects.requireNonNull(trustAnchors, "trustAnchors");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (tcp == null && unixSocket == null) {
      throw new IllegalArgumentException("the daemon needs a TCP or a Unix listener");
    }
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("the daemon needs at least one zone");
    }
  }

  /**
   * Returns the defaults: TCP on {@code 127.0.0.1:8461}, a store in
   * {@code /var/lib/mta-sts-postfix}, metrics on {@code 127.0.0.1:8462}, one zone {@code postfix}.
   *
   * @return the default configuration
   */
  public static DaemonConfig defaults() {
    return new DaemonConfig(PostfixPolicyServer.DEFAULT_TCP, null, mode(0660), DEFAULT_STORE, List.of(),
        Duration.ofSeconds(5), true, Dnssec.AUTO, DEFAULT_TRUST_ANCHORS, DEFAULT_METRICS, PostfixPolicyServer.DEFAULT_MAX_CONNECTIONS,
        PostfixPolicyServer.DEFAULT_MAX_REQUEST_BYTES, PostfixPolicyServer.DEFAULT_IDLE_TIMEOUT,
        PostfixPolicyServer.DEFAULT_SHUTDOWN_GRACE, Duration.ofMinutes(10),
        Map.of(PostfixPolicyServer.DEFAULT_ZONE, ZoneOptions.defaults()));
  }

  /**
   * Reads and checks a configuration file: a regular file (no link followed) of at most 1 MiB,
   * UTF-8 (SEC-30's rules for local files).
   *
   * @param file the file
   * @return the configuration
   * @throws ConfigException if the file cannot be read or holds any error
   */
  public static DaemonConfig load(Path file) throws ConfigException {
    String name = file.toString();
    byte[] bytes;
    try {
      // The project's one bounded reader of local files: regular only, no link followed (SEC-30).
      bytes = AtomicFiles.readRegular(file, MAX_FILE_BYTES);
    } catch (AtomicFiles.NotARegularFileException e) {
      throw new ConfigException(List.of(name + ": not a regular file"));
    } catch (AtomicFiles.FileTooLargeException e) {
      throw new ConfigException(List.of(name + ": larger than 1 MiB"));
    } catch (IOException e) {
      throw new ConfigException(List.of(name + ": cannot be read: " + Text.message(e)));
    }
    if (bytes == null) {
      throw new ConfigException(List.of(name + ": no such file"));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(List.of(name + ": not UTF-8 text"));
    }
    return parse(text, file.getFileName() == null ? name : file.getFileName().toString());
  }

  /**
   * Parses and checks configuration text.
   *
   * @param yaml the YAML text
   * @param source the name used in messages
   * @return the configuration
   * @throws ConfigException listing every error, each with its line
   */
  public static DaemonConfig parse(String yaml, String source) throws ConfigException {
    YamlNodes y = new YamlNodes(source);
    Optional<Node> root = y.parse(yaml);
    DaemonConfig d = defaults();
    if (root.isEmpty() || YamlNodes.isNull(root.get())) {
      if (!y.errors().isEmpty()) {
        throw new ConfigException(y.errors());
      }
      return d;
    }
    Builder b = new Builder(d);
    Map<String, Node> top = y.mapping(root.get(), "the file", TOP);
    Node n;
    if ((n = top.get("listen")) != null) {
      Map<String, Node> m = y.mapping(n, "listen", LISTEN);
      if (m.containsKey("tcp")) {
        b.tcp = address(y, m.get("tcp"), "listen.tcp", true);
      }
      if (m.containsKey("unix")) {
        b.unix = path(y, m.get("unix"), "listen.unix");
      }
      if (m.containsKey("unix_mode")) {
        String s = y.string(m.get("unix_mode"), "listen.unix_mode");
        if (s != null) {
          if (s.matches("0?[0-7]{3}")) {
            b.unixMode = mode(Integer.parseInt(s, 8));
          } else {
            y.error(m.get("unix_mode"), "listen.unix_mode must be an octal mode in quotes, such as \"0660\"");
          }
        }
      }
    }
    if ((n = top.get("store")) != null) {
      Map<String, Node> m = y.mapping(n, "store", STORE);
      if (m.containsKey("directory")) {
        String s = y.string(m.get("directory"), "store.directory");
        b.store = s == null || s.equals("memory") ? null : absolute(y, m.get("directory"), s, "store.directory");
      }
    }
    if ((n = top.get("dns")) != null) {
      Map<String, Node> m = y.mapping(n, "dns", DNS);
      if (m.containsKey("servers")) {
        b.dnsServers = y.strings(m.get("servers"), "dns.servers");
      }
      if (m.containsKey("timeout")) {
        b.dnsTimeout = or(y.duration(m.get("timeout"), "dns.timeout", Duration.ofMillis(100), Duration.ofSeconds(60)),
            b.dnsTimeout);
      }
      if (m.containsKey("dnssec")) {
        String s = y.string(m.get("dnssec"), "dns.dnssec");
        Dnssec mode = s == null ? null : Dnssec.named(s);
        if (mode != null) {
          b.dnssec = mode;
        } else if (s != null) {
          y.error(m.get("dnssec"), "dns.dnssec must be auto, trust-ad, anchors or off, not " + Text.quote(s));
        }
      }
      if (m.containsKey("trust_anchors")) {
        String s = y.string(m.get("trust_anchors"), "dns.trust_anchors");
        Path p = s == null ? null : absolute(y, m.get("trust_anchors"), s, "dns.trust_anchors");
        if (p != null) {
          b.trustAnchors = p;
        }
      }
    }
    if ((n = top.get("dane")) != null) {
      b.dane = or(y.bool(n, "dane"), b.dane);
    }
    if ((n = top.get("metrics")) != null) {
      Map<String, Node> m = y.mapping(n, "metrics", METRICS);
      if (m.containsKey("listen")) {
        b.metrics = address(y, m.get("listen"), "metrics.listen", true);
      }
    }
    if ((n = top.get("limits")) != null) {
      Map<String, Node> m = y.mapping(n, "limits", LIMITS);
      if (m.containsKey("max_connections")) {
        b.maxConnections = or(y.integer(m.get("max_connections"), "limits.max_connections", 1, 100_000),
            b.maxConnections);
      }
      if (m.containsKey("max_request_bytes")) {
        b.maxRequestBytes = or(y.integer(m.get("max_request_bytes"), "limits.max_request_bytes", 16, 1_000_000),
            b.maxRequestBytes);
      }
      if (m.containsKey("idle_timeout")) {
        b.idleTimeout = or(y.duration(m.get("idle_timeout"), "limits.idle_timeout", Duration.ofSeconds(1),
            Duration.ofDays(1)), b.idleTimeout);
      }
      if (m.containsKey("shutdown_grace")) {
        b.shutdownGrace = or(y.duration(m.get("shutdown_grace"), "limits.shutdown_grace", Duration.ZERO,
            Duration.ofMinutes(10)), b.shutdownGrace);
      }
    }
    if ((n = top.get("refresh")) != null) {
      Map<String, Node> m = y.mapping(n, "refresh", REFRESH);
      if (m.containsKey("interval")) {
        b.refreshInterval = or(y.duration(m.get("interval"), "refresh.interval", Duration.ofMinutes(1),
            Duration.ofDays(1)), b.refreshInterval);
      }
    }
    if ((n = top.get("zones")) != null) {
      b.zones = zones(y, n);
    }
    if (b.tcp == null && b.unix == null && y.errors().isEmpty()) {
      y.error(top.getOrDefault("listen", root.get()), "listen needs tcp or unix: the daemon would not be reachable");
    }
    if (!y.errors().isEmpty()) {
      throw new ConfigException(y.errors());
    }
    return new DaemonConfig(b.tcp, b.unix, b.unixMode, b.store, b.dnsServers, b.dnsTimeout, b.dane, b.dnssec, b.trustAnchors,
        b.metrics,
        b.maxConnections, b.maxRequestBytes, b.idleTimeout, b.shutdownGrace, b.refreshInterval, b.zones);
  }

  private static Map<String, ZoneOptions> zones(YamlNodes y, Node node) {
    Map<String, ZoneOptions> out = new LinkedHashMap<>();
    Map<String, Node> byName = y.names(node, "zones");
    if (byName.isEmpty() && y.errors().isEmpty()) {
      y.error(node, "zones must name at least one zone, such as postfix");
    }
    for (Map.Entry<String, Node> e : byName.entrySet()) {
      String name = e.getKey();
      String where = "zones." + name;
      if (name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        y.error(e.getValue(), "zone name " + Text.quote(name) + " must be 1 to 64 printable characters without spaces");
        continue;
      }
      ZoneOptions z = ZoneOptions.defaults();
      if (!YamlNodes.isNull(e.getValue())) {
        Map<String, Node> m = y.mapping(e.getValue(), where, ZONE);
        Node v;
        if ((v = m.get("strict_testing")) != null) {
          z = z.withStrictTesting(or(y.bool(v, where + ".strict_testing"), false));
        }
        if ((v = m.get("tlsrpt")) != null) {
          z = z.withTlsrpt(or(y.bool(v, where + ".tlsrpt"), false));
        }
        if ((v = m.get("temp_failure")) != null) {
          String s = y.string(v, where + ".temp_failure");
          if ("notfound".equals(s) || "temp".equals(s)) {
            z = z.withTempFailure("temp".equals(s) ? ZoneOptions.TempFailureAnswer.TEMP
                : ZoneOptions.TempFailureAnswer.NOTFOUND);
          } else if (s != null) {
            y.error(v, where + ".temp_failure must be notfound or temp, not " + Text.quote(s));
          }
        }
        if ((v = m.get("dane_answer")) != null) {
          String s = y.string(v, where + ".dane_answer");
          if ("dane-only".equals(s) || "dane".equals(s)) {
            z = z.withDaneAnswer("dane".equals(s) ? ZoneOptions.DaneAnswer.DANE : ZoneOptions.DaneAnswer.DANE_ONLY);
          } else if (s != null) {
            y.error(v, where + ".dane_answer must be dane-only or dane, not " + Text.quote(s));
          }
        }
        if ((v = m.get("query_timeout")) != null) {
          z = z.withQueryTimeout(or(y.duration(v, where + ".query_timeout", Duration.ofMillis(100),
              ZoneOptions.MAX_QUERY_TIMEOUT), ZoneOptions.DEFAULT_QUERY_TIMEOUT));
        }
      }
      out.put(name, z);
    }
    return out;
  }

  private static <T> T or(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static @Nullable InetSocketAddress address(YamlNodes y, Node node, String where, boolean noneAllowed) {
    String s = YamlNodes.isNull(node) ? "none" : y.string(node, where);
    if (s == null || (noneAllowed && s.equals("none"))) {
      return null;
    }
    int colon = s.lastIndexOf(':');
    String host = colon > 0 ? s.substring(0, colon) : "";
    String port = colon > 0 ? s.substring(colon + 1) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      host = "";
    }
    if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535
        || !host.matches("[0-9A-Za-z.:%-]+")) {
      y.error(node, where + " must be host:port, such as 127.0.0.1:8461 or [::1]:8461" + (noneAllowed ? ", or none" : ""));
      return null;
    }
    InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(port));
    if (a.isUnresolved()) {
      y.error(node, where + ": cannot resolve " + Text.quote(host));
      return null;
    }
    return a;
  }

  private static @Nullable Path path(YamlNodes y, Node node, String where) {
    if (YamlNodes.isNull(node)) {
      return null;
    }
    String s = y.string(node, where);
    return s == null || s.equals("none") ? null : absolute(y, node, s, where);
  }

  private static @Nullable Path absolute(YamlNodes y, Node node, String s, String where) {
    try {
      Path p = Path.of(s);
      if (p.isAbsolute()) {
        return p;
      }
    } catch (java.nio.file.InvalidPathException e) {
      // reported below
    }
    y.error(node, where + " must be an absolute path, not " + Text.quote(s));
    return null;
  }

  private static Set<PosixFilePermission> mode(int bits) {
    Set<PosixFilePermission> out = new java.util.HashSet<>();
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ first, OTHERS_EXECUTE last
    for (int i = 0; i < all.length; i++) {
      if ((bits & (1 << (all.length - 1 - i))) != 0) {
        out.add(all[i]);
      }
    }
    return out;
  }

  /**
   * Where DANE detection gets DNSSEC-authenticated answers (RFC 7672 §2.2, RFC 8461 §2). Without
   * them no domain has DANE, and MTA-STS applies everywhere.
   */
  public enum Dnssec {
    /**
     * {@link #TRUST_AD} when {@code dns.servers} lists only loopback addresses (a local validating
     * resolver, as Postfix's own DANE needs); {@link #OFF} otherwise.
     */
    AUTO,
    /** Trust the AD bit of the configured servers: validating resolvers on a path no one else can write to. */
    TRUST_AD,
    /** Validate in-process from the trust anchors file ({@code dns.trust_anchors}). */
    ANCHORS,
    /** No DNSSEC: DANE is never detected. */
    OFF;

    static @Nullable Dnssec named(String s) {
      for (Dnssec d : values()) {
        if (d.name().replace('_', '-').equalsIgnoreCase(s)) {
          return d;
        }
      }
      return null;
    }
  }

  /** The values read so far, starting from the defaults. */
  private static final class Builder {
    @Nullable InetSocketAddress tcp;
    @Nullable Path unix;
    Set<PosixFilePermission> unixMode;
    @Nullable Path store;
    List<String> dnsServers;
    Duration dnsTimeout;
    boolean dane;
    Dnssec dnssec;
    Path trustAnchors;
    @Nullable InetSocketAddress metrics;
    int maxConnections;
    int maxRequestBytes;
    Duration idleTimeout;
    Duration shutdownGrace;
    Duration refreshInterval;
    Map<String, ZoneOptions> zones;

    Builder(DaemonConfig d) {
      tcp = d.tcp();
      unix = d.unixSocket();
      unixMode = d.unixMode();
      store = d.storeDirectory();
      dnsServers = new ArrayList<>(d.dnsServers());
      dnsTimeout = d.dnsTimeout();
      dane = d.dane();
      dnssec = d.dnssec();
      trustAnchors = d.trustAnchors();
      metrics = d.metrics();
      maxConnections = d.maxConnections();
      maxRequestBytes = d.maxRequestBytes();
      idleTimeout = d.idleTimeout();
      shutdownGrace = d.shutdownGrace();
      refreshInterval = d.refreshInterval();
      zones = d.zones();
    }
  }
}
