package dev.mtasts.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import org.jspecify.annotations.Nullable;

/**
 * A policy host on loopback: the JDK's {@link HttpsServer} (HTTP/1.1) presenting a test
 * certificate, recording the SNI names of every handshake and every request it answers.
 */
public final class PolicyHost implements AutoCloseable {
  /** A valid policy, as the fixtures serve it. */
  public static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
      + "mx: *.mx.example.test\r\nmax_age: 86400\r\n";

  private final HttpsServer server;
  private final ExecutorService handlers;
  private final List<String> sniNames = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  /**
   * One request as the server saw it.
   *
   * @param method the method
   * @param path the request path
   * @param headers the request headers
   * @param tlsProtocol the negotiated TLS version
   */
  public record Request(String method, String path, Headers headers, String tlsProtocol) {}

  private PolicyHost(InetSocketAddress bind, SSLContext tls, String @Nullable [] protocols,
      HttpHandler handler) throws IOException {
    server = HttpsServer.create(bind, 0);
    handlers = Executors.newCachedThreadPool(r -> daemon(r, "policy-host"));
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setSNIMatchers(List.of(new RecordingSniMatcher()));
        if (protocols != null) {
          p.setProtocols(protocols);
        }
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", exchange -> {
      HttpsExchange https = (HttpsExchange) exchange;
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), https.getSSLSession().getProtocol()));
      handler.handle(exchange);
    });
    server.setExecutor(handlers);
    server.start();
  }

  /**
   * Starts a host presenting {@code credential}.
   *
   * @param credential the certificate and key
   * @param handler what it answers
   * @return the running host
   */
  public static PolicyHost start(TestPki.Issued credential, HttpHandler handler) {
    return start(credential, null, handler);
  }

  /**
   * Starts a host presenting {@code credential} that speaks only the given TLS versions.
   *
   * @param credential the certificate and key
   * @param protocols the enabled TLS versions, or {@code null} for the JDK defaults
   * @param handler what it answers
   * @return the running host
   */
  public static PolicyHost start(TestPki.Issued credential, String @Nullable [] protocols, HttpHandler handler) {
    return start(credential.serverContext(), protocols, handler);
  }

  /**
   * Starts a host with a server context of the test's own, such as a
   * {@link RotatingKeyManager#serverContext()} whose certificate the test replaces between two
   * connections to the same port.
   *
   * @param tls the server context
   * @param protocols the enabled TLS versions, or {@code null} for the JDK defaults
   * @param handler what it answers
   * @return the running host
   */
  public static PolicyHost start(SSLContext tls, String @Nullable [] protocols, HttpHandler handler) {
    try {
      return new PolicyHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls, protocols, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a host presenting {@code credential} on a given address, such as one
   * {@code 127.0.0.N} of the loopback network that a test's DNS zone points the policy host
   * name to ({@link FakeDomain} does this).
   *
   * @param bind the address and port to listen on (port 0 for an ephemeral one)
   * @param credential the certificate and key
   * @param handler what it answers
   * @return the running host
   * @throws IOException if the address cannot be bound
   */
  public static PolicyHost start(InetSocketAddress bind, TestPki.Issued credential, HttpHandler handler)
      throws IOException {
    return new PolicyHost(bind, credential.serverContext(), null, handler);
  }

  /**
   * Returns the address the host listens on.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Returns the SNI host names of every handshake, in order.
   *
   * @return a snapshot
   */
  public List<String> sniNames() {
    return List.copyOf(sniNames);
  }

  /**
   * Returns every request answered, in order.
   *
   * @return a snapshot
   */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }

  /**
   * Answers every request with a status, an optional content type and a body of known length.
   *
   * @param status the status
   * @param contentType the {@code Content-Type}, or {@code null} for none
   * @param body the body
   * @return the handler
   */
  public static HttpHandler respond(int status, @Nullable String contentType, byte[] body) {
    return exchange -> {
      drain(exchange);
      if (contentType != null) {
        exchange.getResponseHeaders().set("Content-Type", contentType);
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  /**
   * Answers every request with the valid {@link #POLICY} as {@code text/plain}.
   *
   * @return the handler
   */
  public static HttpHandler policy() {
    return respond(200, "text/plain", POLICY.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads and discards the request body.
   *
   * @param exchange the exchange
   * @throws IOException if reading fails
   */
  public static void drain(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
  }

  /**
   * Creates a daemon thread, so that a fixture never keeps a test JVM alive.
   *
   * @param r what the thread runs
   * @param name the thread name
   * @return the unstarted thread
   */
  public static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private final class RecordingSniMatcher extends SNIMatcher {
    RecordingSniMatcher() {
      super(StandardConstants.SNI_HOST_NAME);
    }

    @Override
    public boolean matches(SNIServerName name) {
      sniNames.add(new SNIHostName(name.getEncoded()).getAsciiName());
      return true;
    }
  }
}
