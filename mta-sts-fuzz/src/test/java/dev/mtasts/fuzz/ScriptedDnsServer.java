package dev.mtasts.fuzz;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A DNS server on a loopback port, UDP and TCP on the same port number, whose every reply is
 * computed by the current script from the raw query bytes: {@code null} means silence. The
 * script is swapped between fuzz inputs; the server lives as long as the JVM (daemon threads), so
 * that starting it does not cost each input.
 */
final class ScriptedDnsServer {

  /** Computes the reply to {@code (query bytes, overTcp)}; {@code null} for no reply. */
  interface Script extends BiFunction<byte[], Boolean, byte @Nullable []> {}

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private volatile Script script = (q, tcp) -> null;

  private ScriptedDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
  }

  static ScriptedDnsServer start() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      try {
        ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
        ScriptedDnsServer server = new ScriptedDnsServer(udp, tcp);
        daemon("scripted-dns-udp", server::serveUdp);
        daemon("scripted-dns-tcp", server::acceptTcp);
        return server;
      } catch (IOException e) {
        udp.close();
        last = e;
      }
    }
    throw new IOException("no free port for UDP and TCP together", last);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  void script(Script script) {
    this.script = script;
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (true) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        byte[] in = new byte[packet.getLength()];
        System.arraycopy(buffer, 0, in, 0, in.length);
        byte[] out = reply(in, false);
        if (out != null) {
          // A datagram carries at most 65507 bytes over IPv4.
          int n = Math.min(out.length, 65_507);
          udp.send(new DatagramPacket(out, n, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        // One failed datagram must not stop the server.
      }
    }
  }

  private void acceptTcp() {
    while (true) {
      try {
        Socket s = tcp.accept();
        daemon("scripted-dns-tcp-conn", () -> serveTcp(s));
      } catch (IOException e) {
        // Keep accepting.
      }
    }
  }

  private void serveTcp(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      s.setSoTimeout(2_000);
      while (true) {
        int length = in.readUnsignedShort();
        byte[] query = new byte[length];
        in.readFully(query);
        byte[] reply = reply(query, true);
        if (reply == null) {
          continue;
        }
        int n = Math.min(reply.length, 65_535);
        out.writeShort(n);
        out.write(reply, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // The client closed, or the read timed out: the connection ends.
    }
  }

  private byte @Nullable [] reply(byte[] query, boolean overTcp) {
    try {
      return script.apply(query, overTcp);
    } catch (RuntimeException e) {
      // A script that cannot build its answer stays silent, like a server that drops the query.
      return null;
    }
  }
}
