package dev.mtasts.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP {@code CONNECT} proxy on loopback that tunnels every {@code CONNECT} to one backend,
 * or ({@link #forward}) a plain TCP port forward.
 *
 * <p>It lets a test fetch the real URL {@code https://mta-sts.example.test/...} (port 443, the
 * real SNI, {@code Host} and certificate name) while the bytes go to a test server on an
 * ephemeral loopback port; Java 17 has no pluggable name resolver. A reset from either side is
 * passed on as a reset, an orderly close as a half-close.
 */
public final class TunnelProxy implements AutoCloseable {
  private final InetSocketAddress backend;
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final boolean connect;
  private final ScriptedHost server;

  private TunnelProxy(InetSocketAddress backend) {
    this.backend = backend;
    this.connect = true;
    this.server = ScriptedHost.start(this::serve);
  }

  private TunnelProxy(InetSocketAddress listen, InetSocketAddress backend) throws IOException {
    this.backend = backend;
    this.connect = false;
    this.server = ScriptedHost.start(listen, this::serve);
  }

  /**
   * Starts a proxy whose every tunnel leads to {@code backend}.
   *
   * @param backend the loopback server
   * @return the running proxy
   */
  public static TunnelProxy to(InetSocketAddress backend) {
    return new TunnelProxy(backend);
  }

  /**
   * Starts a plain TCP port forward: every connection to {@code listen} is tunnelled to
   * {@code backend}, no {@code CONNECT} asked. It lets a client that always dials port 443, such as
   * Debian's {@code mta-sts-daemon}, reach a test policy host on an ephemeral port at the address
   * the zone gives {@code mta-sts.<domain>}.
   *
   * @param listen the address and port to accept on (port 443 needs root)
   * @param backend where the bytes go
   * @return the running forward
   * @throws IOException if {@code listen} cannot be bound
   */
  public static TunnelProxy forward(InetSocketAddress listen, InetSocketAddress backend) throws IOException {
    return new TunnelProxy(listen, backend);
  }

  /**
   * Returns a selector that sends every request through this proxy.
   *
   * @return the selector
   */
  public ProxySelector selector() {
    return ProxySelector.of(server.address());
  }

  /**
   * Returns the {@code host:port} of every {@code CONNECT} received (none for a {@link #forward}).
   *
   * @return a snapshot
   */
  public List<String> targets() {
    return List.copyOf(targets);
  }

  /**
   * Returns the address of the proxy (or forward) itself.
   *
   * @return the address and port it accepts on
   */
  public InetSocketAddress address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }

  private void serve(Socket client) throws IOException {
    try {
      String[] request = connect
          ? ScriptedHost.readHead(client.getInputStream()).split("\r\n", 2)[0].split(" ")
          : new String[0];
      if (connect && (request.length != 3 || !request[0].equals("CONNECT"))) {
        client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        client.close();
        return;
      }
      if (connect) {
        targets.add(request[1]);
      }
      Socket upstream = server.track(new Socket());
      upstream.connect(backend, 5000);
      // Relay each read at once: with Nagle's algorithm, delayed ACKs would add 40 ms stalls.
      upstream.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      if (connect) {
        client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
      }
      // Each pump half-closes its side at EOF; once both directions have ended, the tunnel is
      // over and both sockets are closed, so a long-lived proxy does not leak two descriptors
      // per tunnel.
      AtomicInteger directions = new AtomicInteger(2);
      Runnable oneDirectionDone = () -> {
        if (directions.decrementAndGet() == 0) {
          close(client);
          close(upstream);
        }
      };
      server.spawn(() -> {
        pump(upstream, client);
        oneDirectionDone.run();
      });
      pump(client, upstream);
      oneDirectionDone.run();
    } catch (IOException e) {
      abort(client);
    }
  }

  /** Copies one direction; EOF becomes a half-close, an error a reset of both sides. */
  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      abort(from);
      abort(to);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
