package dev.mtasts.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One persistent Postfix-like socketmap connection (socketmap_table(5)): requests
 * {@code <name> <key>} and replies ({@code OK <data>}, {@code NOTFOUND }, {@code TEMP ...},
 * {@code PERM ...}) travel as netstrings, several requests may be in flight (pipelined) and the
 * replies come back in order.
 *
 * <p>A load-generator client, not a library one: replies are bounded to {@link #MAX_REPLY} bytes
 * (Postfix's own socketmap client allows 100 000) and a read blocks at most {@link #READ_TIMEOUT_MS}.
 */
final class SocketmapClient implements AutoCloseable {
  /** The longest reply accepted, in bytes. */
  static final int MAX_REPLY = 100_000;
  /** How long one read may block, in milliseconds: a stuck server fails the run. */
  static final int READ_TIMEOUT_MS = 60_000;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] reply = new byte[MAX_REPLY];
  private int replyLength;

  SocketmapClient(InetSocketAddress server) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(server, READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  /** The request netstring for one lookup, built once per domain so that sending allocates nothing. */
  static byte[] request(String mapName, String key) {
    byte[] payload = (mapName + " " + key).getBytes(StandardCharsets.US_ASCII);
    byte[] length = Integer.toString(payload.length).getBytes(StandardCharsets.US_ASCII);
    byte[] netstring = new byte[length.length + 1 + payload.length + 1];
    System.arraycopy(length, 0, netstring, 0, length.length);
    netstring[length.length] = ':';
    System.arraycopy(payload, 0, netstring, length.length + 1, payload.length);
    netstring[netstring.length - 1] = ',';
    return netstring;
  }

  /** Queues one request; {@link #flush()} sends what is queued. */
  void send(byte[] request) throws IOException {
    out.write(request);
  }

  void flush() throws IOException {
    out.flush();
  }

  /**
   * Reads the next reply into this client's buffer.
   *
   * @return the reply's length; its bytes are {@link #startsWith} 's to test
   * @throws IOException if the connection ends or the reply is not a netstring within the cap
   */
  int read() throws IOException {
    int length = 0;
    int digits = 0;
    int c;
    while ((c = in.read()) != ':') {
      if (c < '0' || c > '9' || ++digits > 6) {
        throw c < 0 ? new EOFException("connection closed") : new IOException("not a netstring length");
      }
      length = length * 10 + (c - '0');
    }
    if (length > MAX_REPLY) {
      throw new IOException("reply of " + length + " bytes is over " + MAX_REPLY);
    }
    int off = 0;
    while (off < length) {
      int n = in.read(reply, off, length - off);
      if (n < 0) {
        throw new EOFException("connection closed in a reply");
      }
      off += n;
    }
    if (in.read() != ',') {
      throw new IOException("netstring without its comma");
    }
    replyLength = length;
    return length;
  }

  /** Whether the last reply starts with {@code prefix} (ASCII). */
  boolean startsWith(byte[] prefix) {
    if (replyLength < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (reply[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The last reply as text, for error messages. */
  String lastReply() {
    return new String(reply, 0, Math.min(replyLength, 200), StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
