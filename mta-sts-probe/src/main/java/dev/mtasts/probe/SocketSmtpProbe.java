package dev.mtasts.probe;

import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.owner.SmtpProbe;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.tls.ServerCertificateCheck;
import dev.mtasts.core.tls.TlsFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes an MX host as a sending MTA would: connect to port 25, EHLO, STARTTLS (RFC 3207) with
 * the MX host as SNI (MXM-10), then report the certificate chain presented and its PKIX verdict.
 * The name check is the checker's: the probe reports, it does not judge.
 *
 * <p>Every probe does a full TLS handshake, so the chain reported is the one the MX host
 * presents at that probe (RFC 8461 §4.2, MXM-40): each probe builds its own {@link SSLContext},
 * whose client session cache is empty, so no session (a TLS 1.2 session id or a TLS 1.3
 * ticket) of an earlier probe is ever offered for resumption. A resumed session would run no
 * trust manager and carry the earlier session's certificate (RFC 8446 §2.2): a renewed or
 * replaced MX certificate would go unnoticed by a long-lived probe (a monitor's) for up to the
 * JDK's 24-hour session timeout.
 *
 * <pre>{@code
 * SmtpProbe probe = SocketSmtpProbe.builder().deadline(Duration.ofSeconds(20)).build();
 * MtaStsChecker checker = MtaStsChecker.builder().dnsLookup(dns).policyFetcher(fetcher).smtpProbe(probe).build();
 * }</pre>
 *
 * <h2>Threads</h2>
 * Each probe does blocking socket I/O, bounded by the deadline, on the configured executor
 * (default {@link ForkJoinPool#commonPool()}; give your own for many probes at once). The probe
 * starts no threads.
 */
public final class SocketSmtpProbe implements SmtpProbe {
  private static final Logger LOG = LoggerFactory.getLogger(SocketSmtpProbe.class);
  private static final int MAX_LINE = 4096;
  private static final int MAX_REPLY_LINES = 100;

  /** Resolves a host name to the addresses to try, in order. */
  @FunctionalInterface
  public interface AddressResolver {
    /**
     * Resolves a host name.
     *
     * @param host the MX host name
     * @return the addresses to try
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  private final int port;
  private final Duration connectTimeout;
  private final Duration deadline;
  private final String ehloName;
  private final X509ExtendedTrustManager pkix;
  private final AddressResolver resolver;
  private final @Nullable DnsLookup dns;
  private final Executor executor;

  private SocketSmtpProbe(Builder b) {
    this.port = b.port;
    this.connectTimeout = b.connectTimeout;
    this.deadline = b.deadline;
    this.ehloName = b.ehloName;
    this.pkix = b.pkix != null ? b.pkix : ServerCertificateCheck.defaultTrustManager();
    this.resolver = b.resolver;
    this.dns = b.dns;
    this.executor = b.executor;
  }

  /**
   * Returns a builder with defaults: port 25, 10 s connect timeout, 30 s deadline, the JDK's
   * trust store, the system resolver.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<SmtpProbeOutcome> probe(String mxHost) {
    Objects.requireNonNull(mxHost, "mxHost");
    long end = System.nanoTime() + deadline.toNanos();
    DnsLookup lookup = dns;
    if (lookup == null) {
      return CompletableFuture.supplyAsync(() -> run(mxHost, end), executor);
    }
    // The one deadline covers the lookup too; the lookup completes on its own executor, the
    // blocking SMTP conversation then runs on ours.
    return lookup.addresses(mxHost).toCompletableFuture()
        .orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .handleAsync((outcome, thrown) -> {
          if (outcome instanceof DnsOutcome.Records<InetAddress> r) {
            return connect(mxHost, r.records(), end);
          }
          String why = thrown != null ? "its addresses were not found within the deadline of "
                  + Durations.human(deadline)
              : outcome instanceof DnsOutcome.NoSuchName<InetAddress> ? "the host name does not exist in DNS (NXDOMAIN)"
              : outcome instanceof DnsOutcome.TemporaryFailure<InetAddress> f
                  ? "looking up its addresses failed (" + f.reason() + "): " + f.message()
              : "the host name has no A or AAAA record";
          return new SmtpProbeOutcome.Unreachable(mxHost, why);
        }, executor);
  }

  private SmtpProbeOutcome run(String host, long end) {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return new SmtpProbeOutcome.Unreachable(host, "the host name does not resolve: " + Text.message(e));
    }
    return connect(host, addresses, end);
  }

  private SmtpProbeOutcome connect(String host, List<InetAddress> addresses, long end) {
    if (addresses.isEmpty()) {
      return new SmtpProbeOutcome.Unreachable(host, "the host name has no address");
    }
    List<String> errors = new ArrayList<>();
    for (InetAddress address : addresses) {
      Socket socket = new Socket();
      try {
        int timeout = remainingMillis(end, connectTimeout.toMillis());
        socket.connect(new InetSocketAddress(address, port), timeout);
      } catch (IOException e) {
        errors.add(address.getHostAddress() + ": " + Text.message(e));
        close(socket);
        continue;
      }
      try {
        return converse(host, socket, end);
      } finally {
        close(socket);
      }
    }
    return new SmtpProbeOutcome.Unreachable(host, "could not connect to port " + port + ": " + errors);
  }

  private SmtpProbeOutcome converse(String host, Socket socket, long end) {
    try {
      socket.setSoTimeout(remainingMillis(end, Long.MAX_VALUE));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = socket.getOutputStream();
      List<String> greeting = reply(in);
      if (!greeting.get(0).startsWith("220")) {
        return new SmtpProbeOutcome.Unreachable(host, "the server greeted with " + greeting.get(0));
      }
      send(out, "EHLO " + ehloName);
      socket.setSoTimeout(remainingMillis(end, Long.MAX_VALUE));
      List<String> ehlo = reply(in);
      if (!ehlo.get(0).startsWith("250")) {
        return new SmtpProbeOutcome.NoStartTls(host, String.join(" / ", ehlo));
      }
      boolean offered = ehlo.stream().anyMatch(l -> l.length() > 4
          && l.substring(4).trim().toUpperCase(Locale.ROOT).equals("STARTTLS"));
      if (!offered) {
        return new SmtpProbeOutcome.NoStartTls(host, String.join(" / ", ehlo));
      }
      send(out, "STARTTLS");
      socket.setSoTimeout(remainingMillis(end, Long.MAX_VALUE));
      List<String> ready = reply(in);
      if (!ready.get(0).startsWith("220")) {
        return new SmtpProbeOutcome.NoStartTls(host, "STARTTLS refused: " + String.join(" / ", ready));
      }
      return handshake(host, socket, end);
    } catch (IOException e) {
      return new SmtpProbeOutcome.Unreachable(host, "the SMTP conversation failed: " + Text.message(e));
    }
  }

  private SmtpProbeOutcome handshake(String host, Socket plain, long end) throws IOException {
    AtomicReference<X509Certificate @Nullable []> presented = new AtomicReference<>();
    AtomicReference<@Nullable String> authType = new AtomicReference<>();
    SSLContext ctx;
    try {
      // A context per probe, never shared (MXM-40): a shared one would resume an earlier
      // probe's session, skipping the recording trust manager and reporting the old chain.
      ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new RecordingTrustManager(presented, authType)}, new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation", e);
    }
    try (SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, false)) {
      SSLParameters params = ssl.getSSLParameters();
      params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      ssl.setSSLParameters(params);
      ssl.setSoTimeout(remainingMillis(end, Long.MAX_VALUE));
      try {
        ssl.startHandshake();
      } catch (SSLException e) {
        return new SmtpProbeOutcome.TlsFailed(host, Text.message(e));
      }
      X509Certificate[] chain = presented.get();
      if (chain == null || chain.length == 0) {
        return new SmtpProbeOutcome.TlsFailed(host, "the server presented no certificate");
      }
      String protocol = ssl.getSession().getProtocol();
      TlsFailure failure = null;
      try {
        // PKIX only: the checker applies the DNS-ID rule to the MX name and reports it on its own.
        ServerCertificateCheck.checkPkix(pkix, chain, Objects.requireNonNullElse(authType.get(), "UNKNOWN"), null, null);
      } catch (CertificateException e) {
        failure = TlsFailure.classify(e, chain);
      }
      List<CertificateSummary> summaries = new ArrayList<>(chain.length);
      for (X509Certificate c : chain) {
        summaries.add(CertificateSummary.of(c));
      }
      try {
        send(ssl.getOutputStream(), "QUIT");
      } catch (IOException e) {
        LOG.debug("QUIT to {} failed: {}", host, e.toString());
      }
      return new SmtpProbeOutcome.Completed(host, protocol, summaries, failure);
    }
  }

  /** Accepts every chain so that the probe can look at it; the verdict is made afterwards. */
  private static final class RecordingTrustManager implements X509TrustManager {
    private final AtomicReference<X509Certificate @Nullable []> presented;
    private final AtomicReference<@Nullable String> authType;

    RecordingTrustManager(AtomicReference<X509Certificate @Nullable []> presented,
        AtomicReference<@Nullable String> authType) {
      this.presented = presented;
      this.authType = authType;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String type) throws CertificateException {
      throw new CertificateException("the probe is a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String type) {
      presented.set(chain.clone());
      authType.set(type);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static List<String> reply(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (lines.size() < MAX_REPLY_LINES) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("the server closed the connection");
      }
      if (line.length() > MAX_LINE) {
        throw new IOException("a reply line is longer than " + MAX_LINE + " characters");
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return lines;
      }
    }
    throw new IOException("a reply has more than " + MAX_REPLY_LINES + " lines");
  }

  private static void send(OutputStream out, String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static int remainingMillis(long endNanos, long cap) throws IOException {
    long left = (endNanos - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new IOException("the probe deadline passed");
    }
    return (int) Math.min(Math.min(left, cap), Integer.MAX_VALUE);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("closing a probe socket", e);
    }
  }

  /**
   * Configures a probe.
   */
  public static final class Builder {
    private int port = 25;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration deadline = Duration.ofSeconds(30);
    private String ehloName = "mta-sts-probe.invalid";
    private @Nullable X509ExtendedTrustManager pkix;
    private AddressResolver resolver = host -> List.of(InetAddress.getAllByName(host));
    private @Nullable DnsLookup dns;
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * Sets the SMTP port; default 25.
     *
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the connect timeout per address; default 10 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the deadline for the whole probe; default 30 seconds.
     *
     * @param deadline a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * Sets the name sent with EHLO; default {@code mta-sts-probe.invalid}.
     *
     * @param name a host name
     * @return this builder
     */
    public Builder ehloName(String name) {
      this.ehloName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the trust manager for the PKIX verdict; default the JDK's trust store.
     *
     * @param trustManager the trust manager
     * @return this builder
     */
    public Builder trustManager(X509ExtendedTrustManager trustManager) {
      this.pkix = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Sets how MX host names are resolved to addresses; default {@link InetAddress#getAllByName}.
     *
     * @param resolver the resolver
     * @return this builder
     */
    public Builder addressResolver(AddressResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Takes the MX hosts' addresses from a {@link DnsLookup} (its A and AAAA look-up, IPv6 first),
     * so that the probe connects where the same DNS servers as the rest of the check point
     * (RFC 8461 §4.1: the MX hosts are those the sender's DNS gives). Replaces any
     * {@link #addressResolver}. The probe's deadline covers the look-up; a host with no address
     * (NXDOMAIN, NODATA) or whose look-up failed is reported unreachable with the reason.
     *
     * @param dns the lookup
     * @return this builder
     */
    public Builder dnsLookup(DnsLookup dns) {
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Sets the executor the blocking probe runs on; default {@link ForkJoinPool#commonPool()}.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the probe.
     *
     * @return the probe
     */
    public SocketSmtpProbe build() {
      return new SocketSmtpProbe(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + d);
      }
      return d;
    }
  }
}
