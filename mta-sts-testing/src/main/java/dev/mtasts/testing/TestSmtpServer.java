package dev.mtasts.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal ESMTP server on a loopback port with optional STARTTLS (RFC 3207), for testing
 * delivery paths and SMTP probes: it records every message and every SNI name it was asked for.
 *
 * <p>It runs one acceptor thread and one thread per connection (a test fixture, not a library
 * component); {@link #close()} stops them.
 *
 * <pre>{@code
 * try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames("mx.example.test").issue().serverContext())) {
 *   // connect to smtp.port() on 127.0.0.1 ...
 *   smtp.messages();
 * }
 * }</pre>
 */
public final class TestSmtpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TestSmtpServer.class);
  private static final int MAX_LINE = 4096;
  private static final int MAX_MESSAGE = 10 * 1024 * 1024;

  private final ServerSocket server;
  private final @Nullable SSLContext tls;
  private final String @Nullable [] protocols;
  private final List<Received> messages = new CopyOnWriteArrayList<>();
  private final List<String> sniNames = new CopyOnWriteArrayList<>();
  private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
  private final Thread acceptor;
  private volatile boolean closed;

  /**
   * A message the server accepted.
   *
   * @param from the MAIL FROM address
   * @param recipients the RCPT TO addresses
   * @param data the message as sent after DATA, dot-unstuffed, without the final dot line
   * @param overTls whether STARTTLS was in effect
   */
  public record Received(String from, List<String> recipients, String data, boolean overTls) {
    /**
     * Copies the recipients.
     *
     * @param from the {@code from} component
     * @param recipients the {@code recipients} component
     * @param data the {@code data} component
     * @param overTls the {@code overTls} component
     */
    public Received {
      Objects.requireNonNull(from, "from");
      recipients = List.copyOf(recipients);
      Objects.requireNonNull(data, "data");
    }
  }

  private TestSmtpServer(ServerSocket server, @Nullable SSLContext tls, String @Nullable [] protocols) {
    this.server = server;
    this.tls = tls;
    this.protocols = protocols == null ? null : protocols.clone();
    this.acceptor = new Thread(this::acceptLoop, "test-smtp-accept-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /**
   * Starts a server on an ephemeral port of 127.0.0.1.
   *
   * @param tls the server context for STARTTLS, or {@code null} to not offer STARTTLS
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  public static TestSmtpServer start(@Nullable SSLContext tls) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls);
  }

  /**
   * Starts a server on a given address, such as one {@code 127.0.0.N} of the loopback network that
   * a test's DNS zone points an MX host name to ({@link FakeDomain} does this).
   *
   * @param bind the address and port to listen on (port 0 for an ephemeral one)
   * @param tls the server context for STARTTLS, or {@code null} to not offer STARTTLS
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static TestSmtpServer start(InetSocketAddress bind, @Nullable SSLContext tls) throws IOException {
    return start(bind, tls, null);
  }

  /**
   * Starts a server on an ephemeral port of 127.0.0.1 whose STARTTLS speaks only the given TLS
   * versions, such as {@code TLSv1.2} to test session-id resumption.
   *
   * @param tls the server context for STARTTLS
   * @param protocols the enabled TLS versions, or {@code null} for the JDK defaults
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  public static TestSmtpServer start(SSLContext tls, String @Nullable [] protocols) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls, protocols);
  }

  private static TestSmtpServer start(InetSocketAddress bind, @Nullable SSLContext tls, String @Nullable [] protocols)
      throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.bind(bind, 50);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new TestSmtpServer(s, tls, protocols);
  }

  /**
   * Returns the port.
   *
   * @return the TCP port on 127.0.0.1
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Returns the socket address.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), port());
  }

  /**
   * Returns the messages received so far.
   *
   * @return a snapshot
   */
  public List<Received> messages() {
    return List.copyOf(messages);
  }

  /**
   * Returns the SNI host names clients sent, in order.
   *
   * @return a snapshot
   */
  public List<String> sniNames() {
    return List.copyOf(sniNames);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing test SMTP server", e);
    }
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          LOG.debug("closing test SMTP connection", e);
        }
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "test-smtp-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("test SMTP server accept failed", e);
        }
        return;
      }
    }
  }

  private void serve(Socket socket) {
    Socket s = socket;
    boolean secure = false;
    try {
      s.setSoTimeout(30_000);
      BufferedReader in = reader(s.getInputStream());
      OutputStream out = s.getOutputStream();
      send(out, "220 test.invalid ESMTP mta-sts TestSmtpServer");
      String from = null;
      List<String> rcpts = new ArrayList<>();
      String line;
      while ((line = readLine(in)) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          StringBuilder r = new StringBuilder("250-test.invalid\r\n250-8BITMIME\r\n");
          if (tls != null && !secure) {
            r.append("250-STARTTLS\r\n");
          }
          r.append("250 SIZE ").append(MAX_MESSAGE);
          send(out, r.toString());
        } else if (upper.startsWith("HELO")) {
          send(out, "250 test.invalid");
        } else if (upper.equals("STARTTLS")) {
          if (tls == null || secure) {
            send(out, "502 STARTTLS not available");
            continue;
          }
          send(out, "220 Ready to start TLS");
          SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
          ssl.setUseClientMode(false);
          SSLParameters params = ssl.getSSLParameters();
          params.setSNIMatchers(List.of(new RecordingSniMatcher()));
          if (protocols != null) {
            params.setProtocols(protocols);
          }
          ssl.setSSLParameters(params);
          ssl.startHandshake();
          open.add(ssl);
          s = ssl;
          secure = true;
          in = reader(s.getInputStream());
          out = s.getOutputStream();
          from = null;
          rcpts.clear();
        } else if (upper.startsWith("MAIL FROM:")) {
          from = line.substring(10).trim();
          rcpts.clear();
          send(out, "250 OK");
        } else if (upper.startsWith("RCPT TO:")) {
          if (from == null) {
            send(out, "503 MAIL first");
          } else {
            rcpts.add(line.substring(8).trim());
            send(out, "250 OK");
          }
        } else if (upper.equals("DATA")) {
          if (rcpts.isEmpty() || from == null) {
            send(out, "503 RCPT first");
            continue;
          }
          send(out, "354 End data with <CR><LF>.<CR><LF>");
          String data = readData(in);
          if (data == null) {
            return;
          }
          messages.add(new Received(from, rcpts, data, secure));
          from = null;
          rcpts.clear();
          send(out, "250 OK queued");
        } else if (upper.equals("RSET")) {
          from = null;
          rcpts.clear();
          send(out, "250 OK");
        } else if (upper.equals("NOOP")) {
          send(out, "250 OK");
        } else if (upper.equals("QUIT")) {
          send(out, "221 Bye");
          return;
        } else {
          send(out, "500 Unrecognized command");
        }
      }
    } catch (SocketException e) {
      LOG.debug("test SMTP connection closed: {}", e.toString());
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("test SMTP connection failed: {}", e.toString());
      }
    } finally {
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("closing", e);
      }
    }
  }

  private final class RecordingSniMatcher extends SNIMatcher {
    RecordingSniMatcher() {
      super(0);
    }

    @Override
    public boolean matches(SNIServerName name) {
      if (name instanceof SNIHostName host) {
        sniNames.add(host.getAsciiName());
      }
      return true;
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
  }

  private static @Nullable String readLine(BufferedReader in) throws IOException {
    String line = in.readLine();
    if (line != null && line.length() > MAX_LINE) {
      throw new IOException("line too long");
    }
    return line;
  }

  private static @Nullable String readData(BufferedReader in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals(".")) {
        return buf.toString(StandardCharsets.ISO_8859_1);
      }
      String unstuffed = line.startsWith(".") ? line.substring(1) : line;
      buf.writeBytes((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      if (buf.size() > MAX_MESSAGE) {
        throw new IOException("message too large");
      }
    }
    return null;
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
