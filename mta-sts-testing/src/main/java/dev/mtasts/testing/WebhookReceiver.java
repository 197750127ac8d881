package dev.mtasts.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTPS webhook receiver on loopback for alert and report senders: it records every POST body
 * with its {@code Content-Type}, and answers 204, or the statuses scripted with
 * {@link #answerNext(int...)} first (to test retries). Bodies are read up to 1 MiB.
 *
 * <pre>{@code
 * try (WebhookReceiver hook = WebhookReceiver.start(pki.leaf().dnsNames("localhost").issue())) {
 *   hook.answerNext(503, 503);           // two failures, then 204
 *   URI url = hook.uri("/alerts");       // https://localhost:PORT/alerts
 * }
 * }</pre>
 */
public final class WebhookReceiver implements AutoCloseable {
  /** The most bytes of a body recorded. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final PolicyHost host;
  private final Deque<Integer> scripted = new ArrayDeque<>();
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  /**
   * One request received.
   *
   * @param method the method
   * @param path the path
   * @param contentType the {@code Content-Type} header, or {@code ""}
   * @param body the body as UTF-8
   * @param status the status answered
   */
  public record Delivery(String method, String path, String contentType, String body, int status) {}

  private WebhookReceiver(TestPki.Issued credential) {
    this.host = PolicyHost.start(credential, this::handle);
  }

  /**
   * Starts a receiver presenting {@code credential} (name it {@code localhost}).
   *
   * @param credential the certificate and key
   * @return the running receiver
   */
  public static WebhookReceiver start(TestPki.Issued credential) {
    return new WebhookReceiver(credential);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES);
    }
    int status;
    synchronized (scripted) {
      Integer next = scripted.poll();
      status = next == null ? 204 : next;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    deliveries.add(new Delivery(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), type == null ? ""
        : type, new String(body, StandardCharsets.UTF_8), status));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  /**
   * Answers the next requests with these statuses, in order, then 204 again.
   *
   * @param statuses the statuses
   * @return this receiver
   */
  public WebhookReceiver answerNext(int... statuses) {
    synchronized (scripted) {
      for (int s : statuses) {
        scripted.add(s);
      }
    }
    return this;
  }

  /**
   * Returns every request received, in order.
   *
   * @return a snapshot
   */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /**
   * Returns the URL of a path on this receiver, with the host name {@code localhost}.
   *
   * @param path the path, starting with {@code /}
   * @return {@code https://localhost:PORT/path}
   */
  public URI uri(String path) {
    return URI.create("https://localhost:" + address().getPort() + path);
  }

  /**
   * Returns the address the receiver listens on.
   *
   * @return the loopback address and port
   */
  public InetSocketAddress address() {
    return host.address();
  }

  @Override
  public void close() {
    host.close();
  }
}
