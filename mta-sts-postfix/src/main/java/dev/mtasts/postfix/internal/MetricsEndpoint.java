package dev.mtasts.postfix.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The Prometheus {@code /metrics} endpoint on its own port (SEC-49): the JDK's HTTP server, on
 * loopback unless configured otherwise, answering {@code GET} and {@code HEAD} of
 * {@code /metrics} only ({@code 405} for other methods, {@code 404} for other paths), never reading
 * a request body, on the one executor it is given (the daemon gives it one thread), with the JDK
 * server's request and response time limits that the daemon sets
 * ({@code sun.net.httpserver.maxReqTime}, {@code maxRspTime}: 10 seconds).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds and starts the endpoint.
   *
   * @param address where to listen
   * @param scrape produces the exposition text
   * @param executor runs the exchanges
   * @return the running endpoint
   * @throws IOException if the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress address, Supplier<String> scrape, Executor executor)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.createContext("/", exchange -> handle(exchange, scrape));
    server.setExecutor(executor);
    server.start();
    return new MetricsEndpoint(server);
  }

  private static void handle(HttpExchange exchange, Supplier<String> scrape) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Returns the bound address.
   *
   * @return the address (with the real port when 0 was asked)
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops at once. */
  @Override
  public void close() {
    server.stop(0);
  }
}
