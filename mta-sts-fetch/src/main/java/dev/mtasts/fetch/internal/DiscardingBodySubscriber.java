package dev.mtasts.fetch.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Throws a body away when the status or the headers already decided the outcome: a short body
 * (an error page) is read to its end, so the exchange completes normally and the connection can
 * be reused; past {@code limit} bytes the transfer is cancelled, so a 10 MB download is never
 * transferred (unlike {@code BodySubscribers.discarding()}, which reads any body to its end).
 *
 * <p>The answer is fixed from the start and does not depend on what arrives, or on an error.
 */
public final class DiscardingBodySubscriber implements BodySubscriber<Body> {
  private final long limit;
  private final Body value;
  private final CompletableFuture<Body> result = new CompletableFuture<>();
  private Flow.Subscription subscription = Cancelled.INSTANCE;
  private long discarded;

  /**
   * Creates a subscriber that answers {@code value}.
   *
   * @param value the body to report
   * @param limit how many bytes to read and discard before cancelling; 0 cancels at once
   */
  public DiscardingBodySubscriber(Body value, long limit) {
    this.value = value;
    this.limit = limit;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (limit == 0) {
      finish();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      discarded += b.remaining();
    }
    if (discarded > limit) {
      finish();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable t) {
    result.complete(value);
  }

  @Override
  public void onComplete() {
    result.complete(value);
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }

  /** Completes before cancelling: cancelling may make the client call onError at once. */
  private void finish() {
    result.complete(value);
    subscription.cancel();
  }

  /** Placeholder until {@link #onSubscribe(Flow.Subscription)}. */
  private enum Cancelled implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
