package dev.mtasts.cli.internal;

import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.ContentTypeMode;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.probe.SocketSmtpProbe;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import picocli.CommandLine.Option;

/** Options shared by the commands that go on the network. */
public final class NetworkOptions {
  @Option(names = "--dns-server", paramLabel = "HOST:PORT",
      description = "ask this DNS server (repeatable; default: the system's resolvers)")
  List<String> dnsServers = new ArrayList<>();

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "deadline for each DNS lookup, HTTPS fetch and SMTP probe (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "trust only the CA certificates in this PEM file (for private CAs; default: the JDK's trust store)")
  @Nullable Path caFile;

  @Option(names = "--https-proxy", paramLabel = "HOST:PORT", description = "fetch policies through this HTTP CONNECT proxy")
  @Nullable String httpsProxy;

  /** Creates the options; picocli fills them. */
  public NetworkOptions() {}

  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("--timeout must be positive");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }

  DnsjavaLookup dns() {
    DnsjavaLookup.Builder b = DnsjavaLookup.builder().deadline(timeout())
        .queryTimeout(timeout().compareTo(Duration.ofSeconds(2)) < 0 ? timeout() : Duration.ofSeconds(2));
    if (!dnsServers.isEmpty()) {
      b.servers(dnsServers.toArray(new String[0]));
    }
    return b.build();
  }

  HttpPolicyFetcher fetcher(ContentTypeMode mode) {
    HttpPolicyFetcher.Builder b = HttpPolicyFetcher.builder().contentTypeMode(mode).deadline(timeout());
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
    SocketSmtpProbe.Builder b = SocketSmtpProbe.builder().port(port).deadline(timeout())
        .addressResolver(this::addresses);
    X509ExtendedTrustManager trust = trustManager();
    if (trust != null) {
      b.trustManager(trust);
    }
    return b.build();
  }

  /** MX host addresses come from the same DNS servers as everything else. */
  private List<InetAddress> addresses(String host) throws UnknownHostException {
    if (dnsServers.isEmpty()) {
      return List.of(InetAddress.getAllByName(host));
    }
    List<InetAddress> out = new ArrayList<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      for (String server : dnsServers) {
        try {
          InetSocketAddress s = hostPort(server, "--dns-server");
          SimpleResolver resolver = new SimpleResolver(s);
          resolver.setTimeout(Duration.ofSeconds(2));
          Lookup lookup = new Lookup(host.endsWith(".") ? host : host + ".", type);
          lookup.setResolver(resolver);
          lookup.setCache(null);
          lookup.setSearchPath((org.xbill.DNS.Name[]) null);
          Record[] records = lookup.run();
          if (records != null) {
            for (Record r : records) {
              if (r instanceof ARecord a) {
                out.add(a.getAddress());
              } else if (r instanceof AAAARecord aaaa) {
                out.add(aaaa.getAddress());
              }
            }
            break;
          }
        } catch (TextParseException e) {
          throw new UnknownHostException(host + ": " + e.getMessage());
        }
      }
    }
    if (out.isEmpty()) {
      throw new UnknownHostException(host + " has no A or AAAA record");
    }
    return out;
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
