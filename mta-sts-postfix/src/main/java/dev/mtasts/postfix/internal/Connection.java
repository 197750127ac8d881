package dev.mtasts.postfix.internal;

import dev.mtasts.core.SafeText;
import dev.mtasts.postfix.SocketmapReply;
import dev.mtasts.postfix.SocketmapReply.Status;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads pipelined netstring requests one after another and writes each
 * answer in order (socketmap_table(5)). Every wait is bounded: waiting for (and reading) the next
 * request, and writing an answer, each end the connection after the idle timeout (PFX-12); the
 * query itself has the zone's deadline (PFX-13).
 *
 * <p>The idle timeout is one watchdog task per connection that re-arms itself, not a task per read
 * or write: a query then costs no scheduler work at all (two timer tasks per query, scheduled and
 * cancelled, were most of a cached lookup's cost and filled the timer's queue). Answers to
 * pipelined requests are written together when no further request is buffered, so a client that
 * pipelines gets one write per batch, and a client that asks one at a time one write per answer.
 *
 * <p>The deadlines are read from {@link System#nanoTime()}, not from the server's injectable
 * ticker: the watchdog runs on the {@link ScheduledExecutorService}, which waits in real time, and
 * its deadlines must be on the same time base as its waits, or a manual ticker would make a
 * connection wait forever.
 */
public final class Connection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  /** Answers one request; may throw for a request that is not {@code name key}. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers a request.
     *
     * @param payload the netstring payload
     * @return the answer
     * @throws Requests.MalformedRequestException if the request is garbage
     */
    Answers.Answer handle(byte[] payload) throws Requests.MalformedRequestException;
  }

  private final SocketChannel channel;
  private final Handler handler;
  private final ScheduledExecutorService scheduler;
  private final long idleNanos;
  private final int maxRequestBytes;
  private final ServerMetrics metrics;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean busy;
  private boolean closing;
  /** When the current read or write must have ended ({@link System#nanoTime()}), or {@link #NONE}. */
  private volatile long deadline = NONE;
  private volatile @Nullable ScheduledFuture<?> watchdog;
  private static final long NONE = Long.MIN_VALUE;

  /**
   * Creates a connection handler.
   *
   * @param channel the accepted channel, blocking
   * @param handler answers requests
   * @param scheduler runs the idle timeouts
   * @param idleTimeout the idle timeout
   * @param maxRequestBytes the largest request payload
   * @param metrics the meters
   */
  public Connection(SocketChannel channel, Handler handler, ScheduledExecutorService scheduler,
      Duration idleTimeout, int maxRequestBytes, ServerMetrics metrics) {
    this.channel = channel;
    this.handler = handler;
    this.scheduler = scheduler;
    this.idleNanos = idleTimeout.toNanos();
    this.maxRequestBytes = maxRequestBytes;
    this.metrics = metrics;
  }

  /**
   * Returns a future that completes when the connection has ended.
   *
   * @return the future
   */
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void run() {
    metrics.opened();
    try {
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8192);
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 8192);
      watch(idleNanos);
      serve(in, out);
    } catch (IOException e) {
      // A reset, an idle timeout or a shutdown: the normal ways for a connection to end.
      LOG.debug("socketmap connection ended: {}", SafeText.escape(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      LOG.error("socketmap connection failed", e);
    } finally {
      ScheduledFuture<?> w = watchdog;
      if (w != null) {
        w.cancel(false);
      }
      closeQuietly();
      metrics.closed();
      done.complete(null);
    }
  }

  private void serve(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] payload;
      if (in.available() == 0) {
        // Nothing more is buffered: send the answers written so far before waiting for a request.
        flush(out);
      }
      deadline = System.nanoTime() + idleNanos;
      try {
        payload = Netstrings.read(in, maxRequestBytes, () -> { });
      } catch (Netstrings.BadNetstringException e) {
        // SEC-47: an oversized or malformed netstring is answered PERM and the connection closed;
        // nothing more is read from it.
        if (e.oversized()) {
          metrics.oversized();
        } else {
          metrics.malformed();
        }
        metrics.query("", "perm", 0);
        write(out, SocketmapReply.of(Status.PERM, String.valueOf(e.getMessage())));
        flush(out);
        return;
      } finally {
        deadline = NONE;
      }
      if (payload == null || !beginQuery()) {
        flush(out);
        return;
      }
      Answers.Answer answer;
      try {
        answer = handler.handle(payload);
      } catch (Requests.MalformedRequestException e) {
        metrics.malformed();
        metrics.query("", "perm", 0);
        write(out, SocketmapReply.of(Status.PERM, String.valueOf(e.getMessage())));
        flush(out);
        return;
      }
      write(out, answer.reply());
      if (!endQuery()) {
        flush(out);
        return;
      }
    }
  }

  /**
   * The watchdog: closes the connection once the current read or write is past its deadline, and
   * otherwise runs again when that deadline (or, with none, one idle period) has come.
   */
  private void watch(long delayNanos) throws IOException {
    try {
      watchdog = scheduler.schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is gone: the daemon is stopping, and an unbounded wait is not allowed.
      throw new IOException("no scheduler for the idle timeout", e);
    }
  }

  private void check() {
    if (!channel.isOpen()) {
      return;
    }
    long d = deadline;
    long now = System.nanoTime();
    if (d != NONE && now - d >= 0) {
      closeQuietly();
      return;
    }
    try {
      watch(d == NONE ? idleNanos : d - now);
    } catch (IOException e) {
      closeQuietly();
    }
  }

  private void write(OutputStream out, SocketmapReply reply) throws IOException {
    // Into the buffer: a full buffer writes to the socket, under the same deadline as a flush.
    deadline = System.nanoTime() + idleNanos;
    try {
      out.write(reply.toNetstring());
    } finally {
      deadline = NONE;
    }
  }

  private void flush(OutputStream out) throws IOException {
    deadline = System.nanoTime() + idleNanos;
    try {
      out.flush();
    } finally {
      deadline = NONE;
    }
  }

  private synchronized boolean beginQuery() {
    if (closing) {
      return false;
    }
    busy = true;
    return true;
  }

  private synchronized boolean endQuery() {
    busy = false;
    return !closing;
  }

  /**
   * Asks the connection to end: at once if it waits for a request, after its answer if a query is
   * in flight (PFX-15).
   */
  public void shutdown() {
    synchronized (this) {
      closing = true;
      if (busy) {
        return;
      }
    }
    closeQuietly();
  }

  /** Closes the channel now; a blocked read or write ends with an exception. */
  public void closeQuietly() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a socketmap connection failed: {}", SafeText.escape(String.valueOf(e.getMessage())));
    }
  }
}
