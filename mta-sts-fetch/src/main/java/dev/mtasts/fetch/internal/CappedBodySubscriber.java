package dev.mtasts.fetch.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Reads a response body into memory up to a limit and cancels the subscription the moment the
 * limit would be passed, so an oversized body is never buffered (FET-10, SEC-8).
 *
 * <p>Items are requested one at a time. {@link #cancel()} may be called from any thread, before
 * or after {@link #onSubscribe(Flow.Subscription)}; it stops the transfer (HTTP/1.1 closes the
 * connection, HTTP/2 resets the stream) and completes the body with a
 * {@link CancellationException}.
 */
public final class CappedBodySubscriber implements BodySubscriber<Body> {
  private static final int INITIAL_CAPACITY = 4096;

  private final int limit;
  private final CompletableFuture<Body> result = new CompletableFuture<>();
  private volatile Flow.@Nullable Subscription subscription;
  private volatile boolean cancelled;
  private volatile long received;
  private byte[] buffer;
  private int size;

  /**
   * Creates a subscriber.
   *
   * @param limit the largest body accepted, in bytes
   * @param expectedLength the declared {@code Content-Length}, or -1; only sizes the buffer
   */
  public CappedBodySubscriber(int limit, long expectedLength) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
    long initial = expectedLength >= 0 ? Math.min(expectedLength, limit) : INITIAL_CAPACITY;
    this.buffer = new byte[(int) Math.max(16, Math.min(initial, limit))];
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (cancelled) {
      result.completeExceptionally(new CancellationException("the fetch was cancelled"));
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    Flow.Subscription s = subscription;
    if (result.isDone() || s == null) {
      return;
    }
    long n = 0;
    for (ByteBuffer b : items) {
      n += b.remaining();
    }
    received += n;
    if (size + n > limit) {
      // Complete first: cancelling may make the client call onError at once (HTTP/2 does).
      result.complete(new Body.TooLarge(size + n, false));
      s.cancel();
      return;
    }
    ensureCapacity(size + (int) n);
    for (ByteBuffer b : items) {
      int r = b.remaining();
      b.get(buffer, size, r);
      size += r;
    }
    s.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(new Body.Bytes(Arrays.copyOf(buffer, size)));
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }

  /** Stops the transfer; safe from any thread and more than once. */
  public void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      result.completeExceptionally(new CancellationException("the fetch was cancelled"));
      s.cancel();
    }
  }

  /**
   * Returns how many body bytes have arrived so far, for messages.
   *
   * @return the count, including a last batch that passed the limit
   */
  public long received() {
    return received;
  }

  private void ensureCapacity(int needed) {
    if (needed > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(needed, buffer.length * 2)));
    }
  }
}
