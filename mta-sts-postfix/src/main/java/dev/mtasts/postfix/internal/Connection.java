package dev.mtasts.postfix.internal;

import dev.mtasts.core.SafeText;
import dev.mtasts.postfix.SocketmapReply;
import dev.mtasts.postfix.SocketmapReply.Status;
import java.io.BufferedInputStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads pipelined netstring requests one after another and writes each
 * answer in order (socketmap_table(5)). Every wait is bounded: waiting for (and reading) the next
 * request, and writing an answer, each end the connection after the idle timeout (PFX-12); the
 * query itself has the zone's deadline (PFX-13).
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
      OutputStream out = Channels.newOutputStream(channel);
      serve(in, out);
    } catch (IOException e) {
      // A reset, an idle timeout or a shutdown: the normal ways for a connection to end.
      LOG.debug("socketmap connection ended: {}", SafeText.escape(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      LOG.error("socketmap connection failed", e);
    } finally {
      closeQuietly();
      metrics.closed();
      done.complete(null);
    }
  }

  private void serve(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] payload;
      ScheduledFuture<?> idle = armTimeout();
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
        return;
      } finally {
        idle.cancel(false);
      }
      if (payload == null || !beginQuery()) {
        return;
      }
      Answers.Answer answer;
      try {
        answer = handler.handle(payload);
      } catch (Requests.MalformedRequestException e) {
        metrics.malformed();
        metrics.query("", "perm", 0);
        write(out, SocketmapReply.of(Status.PERM, String.valueOf(e.getMessage())));
        return;
      }
      write(out, answer.reply());
      if (!endQuery()) {
        return;
      }
    }
  }

  private ScheduledFuture<?> armTimeout() throws IOException {
    try {
      return scheduler.schedule(this::closeQuietly, idleNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is gone: the daemon is stopping, and an unbounded wait is not allowed.
      throw new IOException("no scheduler for the idle timeout", e);
    }
  }

  private void write(OutputStream out, SocketmapReply reply) throws IOException {
    ScheduledFuture<?> idle = armTimeout();
    try {
      out.write(reply.toNetstring());
      out.flush();
    } finally {
      idle.cancel(false);
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
