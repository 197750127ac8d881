package dev.mtasts.cli.internal;

import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.AddressResolver;
import dev.mtasts.fetch.ContentTypeMode;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.probe.SocketSmtpProbe;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that go on the network: DNS ({@link DnsOptions}), HTTPS and SMTP. */
public final class NetworkOptions {
  @Mixin
  DnsOptions dnsOptions = new DnsOptions();

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "trust only the CA certificates in this PEM file (for private CAs; default: the JDK's trust store)")
  @Nullable Path caFile;

  @Option(names = "--https-proxy", paramLabel = "HOST:PORT", description = "fetch policies through this HTTP CONNECT proxy")
  @Nullable String httpsProxy;

  /**
   * For tests against a policy host on loopback, which cannot take 443 unprivileged: RFC 8461 §3.3
   * allows no other port, so it is hidden from the usage text (documented in docs/cli.md).
   */
  @Option(names = "--https-port", hidden = true, paramLabel = "PORT",
      description = "connect to the policy host on this port instead of 443 (for tests only)")
  @Nullable Integer httpsPort;

  /** Creates the options; picocli fills them. */
  public NetworkOptions() {}

  Duration timeout() {
    return dnsOptions.timeout();
  }

  /** The one lookup of the command: TXT, MX and, with --dns-server, every host address too. */
  DnsjavaLookup dns() {
    return dnsOptions.dns();
  }

  HttpPolicyFetcher fetcher(ContentTypeMode mode) {
    HttpPolicyFetcher.Builder b = HttpPolicyFetcher.builder().contentTypeMode(mode).deadline(timeout());
    if (!dnsOptions.dnsServers.isEmpty()) {
      // The policy host is found through the servers asked for the records (FET-20), so a
      // domain not yet visible to the system's resolver is checked as the given server sees it.
      b.addressResolver(AddressResolver.from(dns()));
    }
    if (httpsPort != null) {
      b.port(httpsPort);
    }
    if (httpsProxy != null) {
      b.proxy(ProxySelector.of(hostPort(httpsProxy, "--https-proxy")));
    }
    X509ExtendedTrustManager trust = trustManager();
    if (trust != null) {
      b.trustManager(trust);
    }
    return b.build();
  }

  SocketSmtpProbe probe(int port) {
    SocketSmtpProbe.Builder b = SocketSmtpProbe.builder().port(port).deadline(timeout());
    if (!dnsOptions.dnsServers.isEmpty()) {
      b.dnsLookup(dns()); // the MX hosts' addresses from the same servers as the MX records (FET-20)
    }
    X509ExtendedTrustManager trust = trustManager();
    if (trust != null) {
      b.trustManager(trust);
    }
    return b.build();
  }

  @Nullable X509ExtendedTrustManager trustManager() {
    if (caFile == null) {
      return null;
    }
    byte[] pem = InputFiles.read(caFile, "--ca-file " + caFile, InputFiles.MAX_CA_FILE_BYTES);
    try (InputStream in = new ByteArrayInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("--ca-file " + caFile + " holds no certificate");
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no PKIX trust manager");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read --ca-file " + caFile + ": " + e.getMessage(), e);
    }
  }

  static InetSocketAddress hostPort(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(option + " must be HOST:PORT, not '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " has an invalid port in '" + value + "'", e);
    }
  }
}
