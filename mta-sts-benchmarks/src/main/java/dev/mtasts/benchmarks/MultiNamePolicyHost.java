package dev.mtasts.benchmarks;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One HTTPS policy host on loopback for many synthetic domains: it picks, by SNI, a certificate
 * from {@link TestPki} that names {@code mta-sts.<domain>}, and serves each domain's
 * {@link BenchDomains#policy(int)}.
 *
 * <p>{@link PolicyHost} presents one certificate; a certificate naming ten thousand hosts would
 * exceed the JDK's 32 KiB handshake message limit, and a {@code *.bench.test} wildcard does not
 * cover {@code mta-sts.d1.bench.test}. So the domains are split into groups, each with its own
 * certificate naming the group's policy hosts, as a hosting provider would do.
 */
public final class MultiNamePolicyHost implements AutoCloseable {
  /** Policy hosts per certificate: small enough for a handshake, few enough certificates. */
  static final int NAMES_PER_CERTIFICATE = 100;

  private final HttpsServer server;
  private final ExecutorService handlers;

  private MultiNamePolicyHost(HttpsServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
  }

  /**
   * Issues the certificates and starts the host.
   *
   * @param pki the CA that issues the certificates; clients must trust it
   * @param domains how many synthetic domains, {@code d0} to {@code d<domains-1>}
   * @param threads how many threads answer requests
   * @return the running host
   */
  public static MultiNamePolicyHost start(TestPki pki, int domains, int threads) {
    List<TestPki.Issued> certificates = new ArrayList<>();
    for (int from = 0; from < domains; from += NAMES_PER_CERTIFICATE) {
      List<String> names = new ArrayList<>();
      for (int i = from; i < Math.min(domains, from + NAMES_PER_CERTIFICATE); i++) {
        names.add("mta-sts." + BenchDomains.domain(i));
      }
      certificates.add(pki.leaf().dnsNames(names.toArray(new String[0])).issue());
    }
    ExecutorService handlers = Executors.newFixedThreadPool(threads, r -> PolicyHost.daemon(r, "policy-host"));
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SniKeyManager(certificates)}, null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      server.setHttpsConfigurator(new HttpsConfigurator(context));
      server.createContext("/.well-known/mta-sts.txt", exchange -> {
        PolicyHost.drain(exchange);
        String host = exchange.getRequestHeaders().getFirst("Host");
        int i = host == null || !host.startsWith("mta-sts.") ? -1 : BenchDomains.indexOf(host.substring(8));
        byte[] body = i < 0 ? new byte[0] : BenchDomains.policy(i).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        // Each domain has its own host name, so a connection is never reused; closing it keeps
        // ten thousand idle connections (and the proxy's threads for them) from piling up,
        // since the JDK HttpClient keeps idle HTTP/1.1 connections for 20 minutes by default.
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(i < 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.setExecutor(handlers);
      server.start();
      return new MultiNamePolicyHost(server, handlers);
    } catch (IOException e) {
      handlers.shutdownNow();
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      handlers.shutdownNow();
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }

  /**
   * Returns the address the host listens on.
   *
   * @return 127.0.0.1 and an ephemeral port
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }

  /** Chooses the certificate whose group holds the requested SNI name. */
  private static final class SniKeyManager extends X509ExtendedKeyManager {
    private final List<TestPki.Issued> certificates;

    SniKeyManager(List<TestPki.Issued> certificates) {
      this.certificates = certificates;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      if (!"EC".equals(keyType)) {
        return null;
      }
      SSLSession handshake = engine.getHandshakeSession();
      if (handshake instanceof ExtendedSSLSession extended) {
        for (SNIServerName name : extended.getRequestedServerNames()) {
          if (name instanceof SNIHostName host && host.getAsciiName().startsWith("mta-sts.")) {
            int i = BenchDomains.indexOf(host.getAsciiName().substring(8));
            if (i >= 0 && i / NAMES_PER_CERTIFICATE < certificates.size()) {
              return Integer.toString(i / NAMES_PER_CERTIFICATE);
            }
          }
        }
      }
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return certificates.get(Integer.parseInt(alias)).chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return certificates.get(Integer.parseInt(alias)).privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
