package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Header;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.WireParseException;

/**
 * Sends DNS queries over UDP and waits for the one datagram that answers each of them, ignoring
 * every other datagram until the query times out (RFC 5452 §9.1, checklist SEC-13).
 *
 * <p>A datagram is the answer only if all of these hold; anything else is dropped unread beyond
 * its header and question, and the wait goes on:
 * <ul>
 *   <li>it comes from the address and port the query was sent to (the socket is also connected,
 *       so the kernel already drops most others);
 *   <li>its ID is the query's, its QR bit is set (a response, not a query) and its opcode is the
 *       query's;
 *   <li>its question section holds exactly one question with the query's name (compared
 *       case-insensitively), type and class.
 * </ul>
 * dnsjava's own UDP client reads a single datagram per query and fails the query when that one
 * does not match, so one forged datagram with a wrong ID used to abort the attempt; and it accepted
 * QR=0. This transport replaces it for UDP (TCP still uses dnsjava's client).
 *
 * <p><b>CPU budget:</b> at most {@value #MAX_MISMATCHED_DATAGRAMS} non-matching datagrams are read
 * for one query; one more fails the attempt as {@link DnsFailure#MALFORMED_ANSWER} (the lookup
 * then moves on to its next attempt). Checking one datagram costs one read of at most
 * {@value #RECEIVE_BUFFER_SIZE} bytes plus a parse of the header and question (at most
 * {@value #MATCH_PREFIX} bytes); nothing else of a bogus datagram is parsed.
 *
 * <p><b>Threads:</b> all sockets are served by one thread per transport, named
 * {@value #THREAD_NAME}, a daemon started when a query is sent while none runs and ending as soon
 * as no query is in flight. It only reads datagrams, checks them as above and completes futures;
 * callers hand the results over to their executor. Each query uses its own socket on an ephemeral
 * port chosen by the operating system (randomised on current systems, RFC 5452 §9.2), closed when
 * the query ends.
 */
public final class UdpTransport {
  /** Most datagrams that do not match a query read before the attempt fails (SEC-13). */
  public static final int MAX_MISMATCHED_DATAGRAMS = 64;

  /** Bytes read per datagram: the largest UDP payload; larger answers are refused upstream. */
  static final int RECEIVE_BUFFER_SIZE = 65_535;

  /** Header, longest wire-format name and QTYPE/QCLASS: all the matching ever parses. */
  static final int MATCH_PREFIX = Header.LENGTH + 255 + 4;

  /** The name of the I/O thread. */
  static final String THREAD_NAME = "mta-sts-dns-udp";

  private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
  private static final int QR_BIT = 0x8000;
  private static final int OPCODE_SHIFT = 11;
  private static final int OPCODE_MASK = 0xF;

  private final Object lock = new Object();
  private final Queue<Exchange> submitted = new ConcurrentLinkedQueue<>();
  /** The selector of the running I/O thread; guarded by {@link #lock}. */
  private @Nullable Selector selector;

  /** Creates a transport; it starts no thread until a query is sent. */
  public UdpTransport() {}

  /**
   * Sends {@code wire} to {@code server} and waits for the matching answer.
   *
   * @param server where to send it
   * @param id the query's ID
   * @param opcode the query's opcode
   * @param question the query's question
   * @param wire the query in wire format
   * @param timeout how long to wait for the matching answer
   * @return the answer's bytes; fails with a {@link LookupFailure} on a timeout or too many
   *     non-matching datagrams, or with an {@link IOException} when the socket fails (for example
   *     an ICMP port unreachable). Cancelling it closes the socket.
   */
  public CompletableFuture<byte[]> exchange(InetSocketAddress server, int id, int opcode,
      Record question, byte[] wire, Duration timeout) {
    DatagramChannel channel = null;
    try {
      channel = DatagramChannel.open(server.getAddress() instanceof Inet6Address
          ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
      channel.configureBlocking(false);
      channel.connect(server); // binds to an ephemeral port and filters other sources
      if (channel.write(ByteBuffer.wrap(wire)) != wire.length) {
        throw new IOException("the query to " + server + " could not be sent (socket buffer full)");
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      return CompletableFuture.failedFuture(e);
    }
    Exchange exchange = new Exchange(channel, server, id, opcode, question,
        System.nanoTime() + timeout.toNanos(), timeout);
    // A future completed from outside (cancelled) must release its socket now, not at its timeout.
    exchange.future.whenComplete((bytes, error) -> wakeUp());
    submit(exchange);
    return exchange.future;
  }

  private void submit(Exchange exchange) {
    synchronized (lock) {
      submitted.add(exchange);
      Selector running = selector;
      if (running != null) {
        running.wakeup();
        return;
      }
      Selector opened = null;
      try {
        opened = Selector.open();
        Selector forThread = opened;
        Thread thread = new Thread(() -> serve(forThread), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
        selector = opened;
      } catch (IOException | RuntimeException e) {
        closeQuietly(opened);
        failSubmitted(e);
      }
    }
  }

  private void wakeUp() {
    synchronized (lock) {
      Selector running = selector;
      if (running != null) {
        running.wakeup();
      }
    }
  }

  /** The I/O loop: runs until no exchange is in flight. */
  private void serve(Selector sel) {
    ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER_SIZE);
    List<Exchange> active = new ArrayList<>();
    try {
      while (true) {
        for (Exchange x; (x = submitted.poll()) != null; ) {
          try {
            x.channel.register(sel, SelectionKey.OP_READ, x);
            active.add(x);
          } catch (ClosedChannelException e) {
            x.fail(e);
          }
        }
        long waitNanos = expire(active);
        synchronized (lock) {
          if (active.isEmpty() && submitted.isEmpty()) {
            selector = null;
            closeQuietly(sel);
            return;
          }
        }
        sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1));
        for (SelectionKey key : sel.selectedKeys()) {
          ((Exchange) key.attachment()).read(buffer);
        }
        sel.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      // The selector itself failed: every query in flight fails now rather than at its timeout.
      LOG.warn("the DNS UDP selector failed; failing {} queries in flight", active.size(), e);
      for (Exchange x : active) {
        x.fail(e);
      }
      synchronized (lock) {
        selector = null;
        closeQuietly(sel);
        failSubmitted(e);
      }
    }
  }

  /** Closes finished exchanges, fails those past their timeout; returns the time to the next. */
  private static long expire(List<Exchange> active) {
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    for (Iterator<Exchange> it = active.iterator(); it.hasNext(); ) {
      Exchange x = it.next();
      long left = x.deadline - now;
      if (x.future.isDone()) {
        x.close();
        it.remove();
      } else if (left <= 0) {
        x.fail(new LookupFailure(DnsFailure.TIMEOUT, "no matching answer from " + x.server
            + " within " + x.timeout + x.ignoredText()));
        it.remove();
      } else {
        next = Math.min(next, left);
      }
    }
    return next;
  }

  private void failSubmitted(Throwable error) {
    for (Exchange x; (x = submitted.poll()) != null; ) {
      x.fail(error);
    }
  }

  private static void closeQuietly(@Nullable AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing left to release
    }
  }

  /**
   * Tells whether a datagram answers the query (RFC 5452 §9.1): same ID, QR set, same opcode,
   * exactly one question, equal to the query's. Reads at most {@link #MATCH_PREFIX} bytes.
   *
   * @param datagram the datagram, from position to limit
   * @param id the query's ID
   * @param opcode the query's opcode
   * @param question the query's question
   * @return whether it is the answer
   */
  static boolean matches(ByteBuffer datagram, int id, int opcode, Record question) {
    int start = datagram.position();
    int length = datagram.remaining();
    if (length < Header.LENGTH) {
      return false;
    }
    int flags = u16(datagram, start + 2);
    if (u16(datagram, start) != id
        || (flags & QR_BIT) == 0
        || ((flags >> OPCODE_SHIFT) & OPCODE_MASK) != opcode
        || u16(datagram, start + 4) != 1) {
      return false;
    }
    byte[] prefix = Arrays.copyOfRange(datagram.array(), datagram.arrayOffset() + start,
        datagram.arrayOffset() + start + Math.min(length, MATCH_PREFIX));
    try {
      DNSInput in = new DNSInput(prefix);
      in.jump(Header.LENGTH);
      Name name = new Name(in);
      int type = in.readU16();
      int dclass = in.readU16();
      return type == question.getType() && dclass == question.getDClass()
          && name.equals(question.getName());
    } catch (WireParseException | IllegalArgumentException e) {
      return false;
    }
  }

  private static int u16(ByteBuffer b, int index) {
    return ((b.get(index) & 0xFF) << 8) | (b.get(index + 1) & 0xFF);
  }

  /** One query in flight. */
  private static final class Exchange {
    final DatagramChannel channel;
    final InetSocketAddress server;
    final int id;
    final int opcode;
    final Record question;
    final long deadline;
    final Duration timeout;
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    /** Touched by the I/O thread only. */
    int ignored;

    Exchange(DatagramChannel channel, InetSocketAddress server, int id, int opcode,
        Record question, long deadline, Duration timeout) {
      this.channel = channel;
      this.server = server;
      this.id = id;
      this.opcode = opcode;
      this.question = question;
      this.deadline = deadline;
      this.timeout = timeout;
    }

    /** Reads what is queued, up to the answer or the budget of non-matching datagrams. */
    void read(ByteBuffer buffer) {
      if (future.isDone()) {
        close();
        return;
      }
      while (true) {
        buffer.clear();
        SocketAddress from;
        try {
          from = channel.receive(buffer);
        } catch (IOException e) {
          fail(e);
          return;
        }
        if (from == null) {
          return; // nothing more queued; keep waiting
        }
        buffer.flip();
        if (from.equals(server) && matches(buffer, id, opcode, question)) {
          byte[] answer = new byte[buffer.remaining()];
          buffer.get(answer);
          close();
          future.complete(answer);
          return;
        }
        if (++ignored > MAX_MISMATCHED_DATAGRAMS) {
          fail(new LookupFailure(DnsFailure.MALFORMED_ANSWER, "more than "
              + MAX_MISMATCHED_DATAGRAMS + " datagrams that do not answer the query arrived from "
              + server + " or elsewhere; giving up on this attempt"));
          return;
        }
      }
    }

    String ignoredText() {
      return ignored == 0 ? "" : " (" + ignored + " non-matching datagrams ignored)";
    }

    void fail(Throwable error) {
      close();
      future.completeExceptionally(error);
    }

    void close() {
      closeQuietly(channel);
    }
  }
}
