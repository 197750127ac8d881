package dev.mtasts.testing;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A whole MTA-STS domain on loopback, for end-to-end tests that go through real DNS, HTTPS and
 * SMTP with no JVM-wide hosts file and no proxy: a knotd serving the zone (the {@code _mta-sts}
 * and {@code _smtp._tls} records, the MX records, and an A record for the policy host and each MX
 * host), an HTTPS policy host, and a STARTTLS SMTP server per MX host.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create();
 * try (FakeDomain d = FakeDomain.builder("example.test", pki)
 *     .policy("version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n")
 *     .mx(10, "mx1.example.test", pki.leaf().dnsNames("mx1.example.test").issue().serverContext())
 *     .start()) {
 *   // point the code under test at d.dnsServer(), d.httpsPort() and d.smtpPort(), trusting pki
 * }
 * }</pre>
 *
 * <p>Addresses: on Linux all of 127.0.0.0/8 is loopback, so each host gets its own address in a
 * randomly chosen {@code 127.X.Y.0/24} (X from 1, so that 127.0.0.1 stays free for other tests):
 * the policy host {@code .2}, the MX hosts {@code .3} on, in the order added. All SMTP servers
 * listen on one port ({@link #smtpPort()}), as a sender dials the same port on every MX host;
 * the policy host listens on its own ephemeral port ({@link #httpsPort()}), because a test cannot
 * bind 443: point the fetcher at it (HttpPolicyFetcher's {@code port}, the CLI's hidden
 * {@code --https-port}). A port already taken on one of the addresses makes the kit start over
 * in another /24, at most {@value #ATTEMPTS} times. The zone's name server is knotd on
 * 127.0.0.1 ({@link #dnsServer()}); knotd must be installed ({@link KnotServer}).
 */
public final class FakeDomain implements AutoCloseable {
  /** How many /24 networks are tried before giving up on a port clash. */
  public static final int ATTEMPTS = 5;

  private final String domain;
  private final KnotServer dns;
  private final PolicyHost policyHost;
  private final Map<String, TestSmtpServer> smtp;
  private final Map<String, InetAddress> addresses;
  private final TestPki pki;

  private FakeDomain(String domain, KnotServer dns, PolicyHost policyHost, Map<String, TestSmtpServer> smtp,
      Map<String, InetAddress> addresses, TestPki pki) {
    this.domain = domain;
    this.dns = dns;
    this.policyHost = policyHost;
    this.smtp = smtp;
    this.addresses = addresses;
    this.pki = pki;
  }

  /**
   * Starts describing a domain.
   *
   * @param domain the Policy Domain, such as {@code example.test}
   * @param pki issues the policy host's default certificate; tests trust its CA
   * @return a builder
   */
  public static Builder builder(String domain, TestPki pki) {
    return new Builder(domain, pki);
  }

  /**
   * Returns the DNS server serving the zone.
   *
   * @return {@code 127.0.0.1:port}, as {@code --dns-server} takes it
   */
  public String dnsServer() {
    return dns.hostPort();
  }

  /**
   * Returns the port the policy host listens on.
   *
   * @return the HTTPS port
   */
  public int httpsPort() {
    return policyHost.address().getPort();
  }

  /**
   * Returns the port every MX host's SMTP server listens on.
   *
   * @return the SMTP port, or 0 when there are no MX hosts
   */
  public int smtpPort() {
    return smtp.values().stream().findFirst().map(TestSmtpServer::port).orElse(0);
  }

  /**
   * Returns the address the zone gives a host.
   *
   * @param host {@code mta-sts.<domain>} or an MX host
   * @return its 127.X.Y.N address
   * @throws IllegalArgumentException if the kit did not place that host
   */
  public InetAddress address(String host) {
    InetAddress a = addresses.get(host.toLowerCase(Locale.ROOT));
    if (a == null) {
      throw new IllegalArgumentException("no such host in the fake domain: " + host);
    }
    return a;
  }

  /**
   * Returns the policy host, to look at the requests and SNI names it saw.
   *
   * @return the policy host
   */
  public PolicyHost policyHost() {
    return policyHost;
  }

  /**
   * Returns an MX host's SMTP server, to look at the SNI names and messages it saw.
   *
   * @param host the MX host name as added
   * @return its server
   * @throws IllegalArgumentException if there is no such MX host
   */
  public TestSmtpServer smtp(String host) {
    TestSmtpServer s = smtp.get(host.toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new IllegalArgumentException("no such MX host in the fake domain: " + host);
    }
    return s;
  }

  /**
   * Returns the test CA's certificate in PEM, for a {@code --ca-file}.
   *
   * @return the PEM text
   */
  public String caPem() {
    return pki.caPem();
  }

  /**
   * Returns the Policy Domain.
   *
   * @return the domain name
   */
  public String domain() {
    return domain;
  }

  /** Stops every server. */
  @Override
  public void close() {
    closeAll(dns, policyHost, smtp.values());
  }

  private static void closeAll(@Nullable AutoCloseable dns, @Nullable AutoCloseable policyHost,
      Iterable<? extends AutoCloseable> others) {
    List<AutoCloseable> all = new ArrayList<>();
    if (dns != null) {
      all.add(dns);
    }
    if (policyHost != null) {
      all.add(policyHost);
    }
    others.forEach(all::add);
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: the others must still be closed
      }
    }
  }

  /** Describes the domain; {@link #start()} brings it up. */
  public static final class Builder {
    private final String domain;
    private final TestPki pki;
    private @Nullable HttpHandler policyHandler;
    private TestPki.@Nullable Issued policyCertificate;
    private @Nullable String stsRecord = "v=STSv1; id=1";
    private @Nullable String tlsRptRecord;
    private final Map<String, MxHost> mx = new LinkedHashMap<>();
    private final List<String> extraRecords = new ArrayList<>();

    private record MxHost(int preference, @Nullable SSLContext tls) {}

    private Builder(String domain, TestPki pki) {
      this.domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
      this.pki = Objects.requireNonNull(pki, "pki");
      this.tlsRptRecord = "v=TLSRPTv1; rua=mailto:tlsrpt@" + this.domain;
    }

    /**
     * Serves {@code body} as {@code text/plain} with status 200 at
     * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (404 elsewhere).
     *
     * @param body the policy text
     * @return this builder
     */
    public Builder policy(String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      HttpHandler ok = PolicyHost.respond(200, "text/plain", bytes);
      HttpHandler missing = PolicyHost.respond(404, "text/plain", new byte[0]);
      return policyHandler(exchange -> (exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")
          ? ok : missing).handle(exchange));
    }

    /**
     * Answers policy requests with {@code handler} (for redirects, wrong types, slow bodies...).
     *
     * @param handler what the policy host answers
     * @return this builder
     */
    public Builder policyHandler(HttpHandler handler) {
      this.policyHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Presents another certificate at the policy host; default: one from the kit's PKI for
     * {@code mta-sts.<domain>}.
     *
     * @param credential the certificate and key
     * @return this builder
     */
    public Builder policyCertificate(TestPki.Issued credential) {
      this.policyCertificate = Objects.requireNonNull(credential, "credential");
      return this;
    }

    /**
     * Sets the {@code _mta-sts} TXT value; default {@code v=STSv1; id=1}.
     *
     * @param value the TXT value, or {@code null} for no record
     * @return this builder
     */
    public Builder stsRecord(@Nullable String value) {
      this.stsRecord = value;
      return this;
    }

    /**
     * Sets the {@code _smtp._tls} TXT value; default a {@code mailto:} to {@code tlsrpt@<domain>}.
     *
     * @param value the TXT value, or {@code null} for no record
     * @return this builder
     */
    public Builder tlsRptRecord(@Nullable String value) {
      this.tlsRptRecord = value;
      return this;
    }

    /**
     * Adds an MX record, an A record for the host and an SMTP server at that address.
     *
     * @param preference the MX preference
     * @param host the MX host: {@code <domain>} itself or a name under it, so that the zone holds
     *     its address
     * @param starttls the server context for STARTTLS (its certificate is what the host presents),
     *     or {@code null} for a server that does not offer STARTTLS
     * @return this builder
     * @throws IllegalArgumentException if the host is outside the domain or added twice
     */
    public Builder mx(int preference, String host, @Nullable SSLContext starttls) {
      String h = host.toLowerCase(Locale.ROOT);
      if (!h.equals(domain) && !h.endsWith("." + domain)) {
        throw new IllegalArgumentException(host + " is not in the zone " + domain);
      }
      if (h.equals("mta-sts." + domain) || mx.putIfAbsent(h, new MxHost(preference, starttls)) != null) {
        throw new IllegalArgumentException(host + " is already in the fake domain");
      }
      return this;
    }

    /**
     * Adds a zone-file line (names relative to the domain), such as {@code "extra TXT \"x\""}.
     *
     * @param line the record
     * @return this builder
     */
    public Builder record(String line) {
      extraRecords.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /**
     * Starts knotd, the policy host and the SMTP servers.
     *
     * @return the running domain; close it to stop them
     * @throws IOException if a server cannot start ({@link KnotServer#start} documents a missing knotd)
     */
    public FakeDomain start() throws IOException {
      if (policyHandler == null) {
        throw new IllegalStateException("no policy: call policy(...) or policyHandler(...)");
      }
      BindException last = null;
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] net = {127, (byte) random.nextInt(1, 255), (byte) random.nextInt(0, 256), 0};
        try {
          return startOn(net);
        } catch (BindException e) {
          last = e; // another test holds that port on one of the addresses: try another /24
        }
      }
      throw Objects.requireNonNull(last);
    }

    private FakeDomain startOn(byte[] net) throws IOException {
      Map<String, InetAddress> addresses = new LinkedHashMap<>();
      addresses.put("mta-sts." + domain, host(net, 2));
      int n = 3;
      for (String h : mx.keySet()) {
        addresses.put(h, host(net, n++));
      }
      PolicyHost https = null;
      Map<String, TestSmtpServer> servers = new LinkedHashMap<>();
      try {
        TestPki.Issued cert = policyCertificate != null ? policyCertificate
            : pki.leaf().dnsNames("mta-sts." + domain).issue();
        https = PolicyHost.start(new InetSocketAddress(Objects.requireNonNull(addresses.get("mta-sts." + domain)), 0), cert,
            Objects.requireNonNull(policyHandler));
        int port = 0;
        for (Map.Entry<String, MxHost> e : mx.entrySet()) {
          InetAddress at = Objects.requireNonNull(addresses.get(e.getKey()));
          TestSmtpServer s = TestSmtpServer.start(new InetSocketAddress(at, port), e.getValue().tls());
          servers.put(e.getKey(), s);
          port = s.port();
        }
        KnotServer knot = KnotServer.start(Map.of(domain, zone(addresses)));
        return new FakeDomain(domain, knot, https, servers, addresses, pki);
      } catch (IOException | RuntimeException e) {
        closeAll(null, https, servers.values());
        throw e;
      }
    }

    private String zone(Map<String, InetAddress> addresses) {
      StringBuilder z = new StringBuilder("$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n")
          .append("ns A 127.0.0.1\n");
      if (stsRecord != null) {
        z.append("_mta-sts TXT ").append(quoted(stsRecord)).append('\n');
      }
      if (tlsRptRecord != null) {
        z.append("_smtp._tls TXT ").append(quoted(tlsRptRecord)).append('\n');
      }
      for (Map.Entry<String, MxHost> e : mx.entrySet()) {
        z.append("@ MX ").append(e.getValue().preference()).append(' ').append(e.getKey()).append(".\n");
      }
      for (Map.Entry<String, InetAddress> a : addresses.entrySet()) {
        z.append(a.getKey()).append(". A ").append(a.getValue().getHostAddress()).append('\n');
      }
      extraRecords.forEach(r -> z.append(r).append('\n'));
      return z.toString();
    }

    private static String quoted(String value) {
      return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static InetAddress host(byte[] net, int n) throws IOException {
      byte[] a = net.clone();
      a[3] = (byte) n;
      return InetAddress.getByAddress(a);
    }
  }
}
