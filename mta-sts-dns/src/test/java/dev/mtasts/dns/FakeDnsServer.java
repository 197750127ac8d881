package dev.mtasts.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An in-process DNS server on a loopback port, UDP and TCP, speaking the real wire format and
 * answering through a {@link Handler} that can inject faults: any RCODE, silence, raw or garbage
 * bytes, answers that do not fit in UDP (truncated with TC, as real servers do).
 */
final class FakeDnsServer implements AutoCloseable {

  /** The transport a query came in on. */
  enum Transport { UDP, TCP }

  /** What the server sends back. */
  sealed interface Reply permits Answer, Raw, Silence, Several, FromElsewhere {}

  /** A DNS message; over UDP it is truncated with TC when it exceeds the client's payload size. */
  record Answer(Message message) implements Reply {}

  /** These exact bytes (over TCP with the length prefix). */
  record Raw(byte[] bytes) implements Reply {}

  /** Nothing at all. */
  record Silence() implements Reply {}

  /** Each of these replies in turn (over UDP as separate datagrams). */
  record Several(List<Reply> replies) implements Reply {
    Several {
      replies = List.copyOf(replies);
    }

    Several(Reply... replies) {
      this(List.of(replies));
    }
  }

  /** Over UDP: this reply sent from another port of the server's address (a spoofing attempt). */
  record FromElsewhere(Reply reply) implements Reply {}

  /** Answers one query. */
  @FunctionalInterface
  interface Handler {
    Reply reply(Message query, Transport transport) throws Exception;
  }

  private static final int PLAIN_UDP_SIZE = 512;

  private final Handler handler;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<Transport, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<Message> queries = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private FakeDnsServer(Handler handler, DatagramSocket udp, ServerSocket tcp) {
    this.handler = handler;
    this.udp = udp;
    this.tcp = tcp;
    for (Transport t : Transport.values()) {
      counts.put(t, new AtomicInteger());
    }
  }

  /** Starts a server on 127.0.0.1, UDP and TCP on the same free port. */
  static FakeDnsServer start(Handler handler) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      udp.setReceiveBufferSize(1 << 20); // bursts of concurrent queries must not be dropped
      try {
        ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
        FakeDnsServer server = new FakeDnsServer(handler, udp, tcp);
        server.startThreads();
        return server;
      } catch (IOException e) {
        udp.close();
        last = e;
      }
    }
    throw new IOException("no free port for UDP and TCP together", last);
  }

  /** A server that never answers. */
  static FakeDnsServer silent() throws IOException {
    return start((q, t) -> new Silence());
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  String hostPort() {
    return "127.0.0.1:" + udp.getLocalPort();
  }

  /** How many queries arrived over {@code transport}. */
  int count(Transport transport) {
    return counts.get(transport).get();
  }

  /** Waits until at least {@code n} queries have arrived (hang guard: 30 seconds). */
  void awaitQueries(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (queries) {
      while (queries.size() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("hang guard: " + queries.size() + " of " + n + " queries");
        }
        TimeUnit.NANOSECONDS.timedWait(queries, left);
      }
    }
  }

  /** Every query received, in order of arrival. */
  List<Message> queries() {
    return List.copyOf(queries);
  }

  /** Starts a response to {@code query}: same ID and question, QR, RD and RA set. */
  static Message response(Message query, int rcode, Record... answers) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    for (Record r : answers) {
      m.addRecord(r, Section.ANSWER);
    }
    return m;
  }

  /** A NOERROR response with these answers. */
  static Answer answer(Message query, Record... answers) {
    return new Answer(response(query, Rcode.NOERROR, answers));
  }

  private void startThreads() {
    Thread u = new Thread(this::serveUdp, "fake-dns-udp-" + udp.getLocalPort());
    Thread t = new Thread(this::acceptTcp, "fake-dns-tcp-" + udp.getLocalPort());
    for (Thread thread : List.of(u, t)) {
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        byte[] in = new byte[packet.getLength()];
        System.arraycopy(buffer, 0, in, 0, in.length);
        Message query = accept(in, Transport.UDP);
        if (query != null) {
          sendUdp(reply(query, Transport.UDP), query, udp, packet.getSocketAddress());
        }
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void sendUdp(Reply reply, Message query, DatagramSocket from, SocketAddress to)
      throws IOException {
    if (reply instanceof Several several) {
      for (Reply r : several.replies()) {
        sendUdp(r, query, from, to);
      }
    } else if (reply instanceof FromElsewhere elsewhere) {
      try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(udp.getLocalAddress(), 0))) {
        sendUdp(elsewhere.reply(), query, other, to);
      }
    } else {
      byte[] out = wire(reply, query, Transport.UDP);
      if (out != null) {
        from.send(new DatagramPacket(out, out.length, to));
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        connections.add(s);
        Thread c = new Thread(() -> serveTcp(s), "fake-dns-tcp-conn-" + s.getPort());
        c.setDaemon(true);
        threads.add(c);
        c.start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serveTcp(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (!closed) {
        int length = in.readUnsignedShort();
        byte[] query = new byte[length];
        in.readFully(query);
        Message parsed = accept(query, Transport.TCP);
        if (parsed != null) {
          sendTcp(reply(parsed, Transport.TCP), parsed, out);
        }
      }
    } catch (EOFException | SocketException e) {
      // the client or close() ended the connection
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void sendTcp(Reply reply, Message query, DataOutputStream out) throws IOException {
    if (reply instanceof Several several) {
      for (Reply r : several.replies()) {
        sendTcp(r, query, out);
      }
      return;
    }
    byte[] bytes = wire(reply instanceof FromElsewhere e ? e.reply() : reply, query, Transport.TCP);
    if (bytes != null) {
      out.writeShort(bytes.length);
      out.write(bytes);
      out.flush();
    }
  }

  /** Parses and records a query; {@code null} when it does not parse. */
  private Message accept(byte[] in, Transport transport) {
    Message query;
    try {
      query = new Message(in);
    } catch (IOException e) {
      return null;
    }
    synchronized (queries) {
      queries.add(query);
      queries.notifyAll();
    }
    counts.get(transport).incrementAndGet();
    return query;
  }

  private Reply reply(Message query, Transport transport) {
    try {
      return handler.reply(query, transport);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Silence();
    } catch (Exception e) {
      return new Answer(response(query, Rcode.SERVFAIL));
    }
  }

  private static byte[] wire(Reply reply, Message query, Transport transport) {
    if (reply instanceof Raw raw) {
      return raw.bytes();
    }
    if (reply instanceof Answer answer) {
      if (transport == Transport.TCP) {
        return answer.message().toWire();
      }
      OPTRecord opt = query.getOPT();
      int limit = opt == null ? PLAIN_UDP_SIZE : Math.max(PLAIN_UDP_SIZE, opt.getPayloadSize());
      return answer.message().toWire(limit);
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Thread t : threads) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
