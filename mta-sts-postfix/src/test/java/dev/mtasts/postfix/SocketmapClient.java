package dev.mtasts.postfix;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A raw netstring client, as Postfix's dict_sockmap speaks it; reads time out after 10 seconds. */
final class SocketmapClient implements AutoCloseable {
  private final @Nullable Socket socket;
  private final @Nullable SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;

  private SocketmapClient(Socket socket) throws IOException {
    this.socket = socket;
    this.channel = null;
    socket.setSoTimeout(10_000);
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  private SocketmapClient(SocketChannel channel) {
    this.socket = null;
    this.channel = channel;
    this.in = new BufferedInputStream(Channels.newInputStream(channel));
    this.out = Channels.newOutputStream(channel);
  }

  static SocketmapClient tcp(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    return new SocketmapClient(s);
  }

  static SocketmapClient unix(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(path));
    return new SocketmapClient(ch);
  }

  /** Sends {@code name key} as one netstring. */
  void send(String request) throws IOException {
    sendRaw(netstring(request.getBytes(StandardCharsets.UTF_8)));
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static byte[] netstring(byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((payload.length + ":").getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(payload);
    b.write(',');
    return b.toByteArray();
  }

  /** Reads one reply netstring and returns its payload, or {@code null} at end of stream. */
  @Nullable String read() throws IOException {
    int c = in.read();
    if (c < 0) {
      return null;
    }
    int len = 0;
    while (c != ':') {
      if (c < '0' || c > '9') {
        throw new IOException("bad reply length byte " + c);
      }
      len = len * 10 + (c - '0');
      c = in.read();
    }
    byte[] payload = in.readNBytes(len);
    if (in.read() != ',') {
      throw new IOException("reply without its comma");
    }
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** Sends one request and reads its reply. */
  @Nullable String query(String request) throws IOException {
    send(request);
    return read();
  }

  /** Tells whether the server closed the connection (end of stream, or a reset). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    if (channel != null) {
      channel.close();
    }
  }
}
