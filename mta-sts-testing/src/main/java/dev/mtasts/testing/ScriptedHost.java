package dev.mtasts.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server that runs a script on every connection, for the misbehaviour an HTTP server
 * library will not produce: a reset in the middle of a body, a peer that never speaks, a peer
 * that does not speak TLS. Sockets stay open until the script closes them or the host closes.
 */
public final class ScriptedHost implements AutoCloseable {
  /** What to do with one accepted connection. */
  @FunctionalInterface
  public interface Script {
    /**
     * Handles one connection.
     *
     * @param socket the accepted socket
     * @throws IOException when the peer goes away
     */
    void run(Socket socket) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(
      r -> PolicyHost.daemon(r, "scripted-host"));
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ScriptedHost(InetSocketAddress bind, Script script) throws IOException {
    server = new ServerSocket();
    try {
      server.bind(bind, 50);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    threads.execute(() -> {
      while (!closed) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return;
        }
        sockets.add(s);
        threads.execute(() -> {
          try {
            script.run(s);
          } catch (IOException e) {
            // the client went away; nothing to report
          }
        });
      }
    });
  }

  /**
   * Starts a host on an ephemeral loopback port.
   *
   * @param script what to do with each connection
   * @return the running host
   */
  public static ScriptedHost start(Script script) {
    try {
      return new ScriptedHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a host on a given address, such as port 443 of a {@code 127.X.Y.N} address that a
   * test's zone gives a host name (binding a port below 1024 needs root).
   *
   * @param bind the address and port to listen on
   * @param script what to do with each connection
   * @return the running host
   * @throws IOException if the address cannot be bound
   */
  public static ScriptedHost start(InetSocketAddress bind, Script script) throws IOException {
    return new ScriptedHost(bind, script);
  }

  /**
   * Runs a task on one of the host's threads, for a script that needs a second one.
   *
   * @param task the task
   */
  public void spawn(Runnable task) {
    threads.execute(task);
  }

  /**
   * Closes {@code socket} with the host; for sockets a script opens itself.
   *
   * @param socket the socket
   * @return the same socket
   */
  public Socket track(Socket socket) {
    sockets.add(socket);
    return socket;
  }

  /**
   * Returns the address the host listens on.
   *
   * @return the bound address (127.0.0.1 unless started on another) and the port
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // teardown
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // teardown
      }
    }
    threads.shutdownNow();
  }

  /**
   * Accepts the connection and never sends a byte: the TLS handshake cannot complete.
   *
   * @return the script
   */
  public static Script silent() {
    return socket -> { };
  }

  /**
   * Performs the TLS handshake as a server over the accepted socket.
   *
   * @param socket the accepted TCP socket
   * @param context the server context
   * @return the TLS socket, handshake done
   * @throws IOException if the handshake fails
   */
  public static SSLSocket tls(Socket socket, SSLContext context) throws IOException {
    SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, null, true);
    ssl.startHandshake();
    return ssl;
  }

  /**
   * Reads a request head up to the blank line, at most 8 KiB.
   *
   * @param in the stream
   * @return the head
   * @throws IOException if the stream ends first or the head is too long
   */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0 || head.size() >= 8192) {
        throw new IOException("incomplete request head");
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Sends a TCP reset instead of an orderly close.
   *
   * @param socket the TCP socket under any TLS layer
   * @throws IOException if closing fails
   */
  public static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }
}
