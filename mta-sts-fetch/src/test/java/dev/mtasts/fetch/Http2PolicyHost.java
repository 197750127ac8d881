package dev.mtasts.fetch;

import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A policy host that speaks HTTP/2 (and, unless told otherwise, HTTP/1.1) over TLS with ALPN:
 * Jetty, a widespread real server. It records the HTTP version of every request.
 */
final class Http2PolicyHost implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final List<String> versions = new CopyOnWriteArrayList<>();
  private final AtomicInteger writeFailures = new AtomicInteger();

  private Http2PolicyHost(TestPki.Issued credential, boolean http11, int status, String contentType, byte[] body)
      throws Exception {
    server = new Server();
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer());
    HttpConnectionFactory h1 = new HttpConnectionFactory(config);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11 ? h1.getProtocol() : h2.getProtocol());
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(credential.keyStore());
    tls.setKeyStorePassword(new String(credential.password()));
    tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
    connector = http11
        ? new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, h1)
        : new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        versions.add(request.getConnectionMetaData().getHttpVersion().asString());
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        // Streamed in 16 KiB writes without a Content-Length, so a large body is capped by
        // the client while it streams, not by its declared length.
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
          for (int off = 0; off < body.length; off += 16384) {
            out.write(body, off, Math.min(16384, body.length - off));
          }
          callback.succeeded();
        } catch (IOException e) {
          writeFailures.incrementAndGet();
          callback.failed(e);
        }
        return true;
      }
    });
    server.start();
  }

  /**
   * Starts a host that answers every request the same way.
   *
   * @param credential the certificate and key
   * @param status the status
   * @param contentType the {@code Content-Type}
   * @param body the body
   * @return the running host
   */
  static Http2PolicyHost start(TestPki.Issued credential, int status, String contentType, byte[] body) {
    return start(credential, true, status, contentType, body);
  }

  /**
   * Starts a host that answers every request the same way, optionally over HTTP/2 only.
   *
   * @param credential the certificate and key
   * @param http11 whether HTTP/1.1 is offered besides HTTP/2
   * @param status the status
   * @param contentType the {@code Content-Type}
   * @param body the body
   * @return the running host
   */
  static Http2PolicyHost start(TestPki.Issued credential, boolean http11, int status, String contentType,
      byte[] body) {
    try {
      return new Http2PolicyHost(credential, http11, status, contentType, body);
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not start", e);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
  }

  /** The HTTP version of every request, such as {@code HTTP/2.0}. */
  List<String> versions() {
    return List.copyOf(versions);
  }

  /** How many responses could not be written to the end because the client went away. */
  int writeFailures() {
    return writeFailures.get();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
