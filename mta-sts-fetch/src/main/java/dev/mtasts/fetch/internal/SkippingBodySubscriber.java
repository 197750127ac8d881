package dev.mtasts.fetch.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads nothing: cancels the body at once and answers a fixed value. Used when the status or the
 * headers already decide the outcome, so that a 404 page or a 10 MB download is never
 * transferred (unlike {@code BodySubscribers.discarding()}, which reads the body to its end).
 */
public final class SkippingBodySubscriber implements BodySubscriber<Body> {
  private final CompletableFuture<Body> result;

  /**
   * Creates a subscriber that answers {@code value}.
   *
   * @param value the body to report
   */
  public SkippingBodySubscriber(Body value) {
    this.result = CompletableFuture.completedFuture(value);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    s.cancel();
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    // Nothing was requested; a late item after cancel() is dropped.
  }

  @Override
  public void onError(Throwable t) {
    // The value is already decided.
  }

  @Override
  public void onComplete() {
    // The value is already decided.
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }
}
