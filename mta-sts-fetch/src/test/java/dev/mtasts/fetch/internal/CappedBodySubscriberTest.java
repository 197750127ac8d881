package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class CappedBodySubscriberTest {
  private static final int LIMIT = 64 * 1024;

  /** Counts demand and cancellation, as HttpClient's subscription would see them. */
  private static final class Recording implements Flow.Subscription {
    long requested;
    int cancels;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancels++;
    }
  }

  private static Body body(CappedBodySubscriber s) throws Exception {
    return s.getBody().toCompletableFuture().get();
  }

  @Test
  void collectsTheWholeBodyOneItemAtATime() throws Exception {
    CappedBodySubscriber s = new CappedBodySubscriber(LIMIT, -1);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    assertThat(sub.requested).isEqualTo(1);
    s.onNext(List.of(ByteBuffer.wrap("version: STSv1\n".getBytes(StandardCharsets.UTF_8))));
    s.onNext(List.of(ByteBuffer.wrap("mode: none\n".getBytes(StandardCharsets.UTF_8)),
        ByteBuffer.wrap("max_age: 1\n".getBytes(StandardCharsets.UTF_8))));
    assertThat(sub.requested).isEqualTo(3);
    s.onComplete();

    assertThat(body(s)).isInstanceOfSatisfying(Body.Bytes.class, b -> assertThat(new String(b.bytes(),
        StandardCharsets.UTF_8)).isEqualTo("version: STSv1\nmode: none\nmax_age: 1\n"));
    assertThat(sub.cancels).isZero();
  }

  @Test
  void tenMegabytesStopAtTheCapWithoutBufferingPastIt() throws Exception {
    // FET-10, SEC-8: the subscriber cancels as soon as the cap would be passed and asks for
    // nothing more, so a 10 MB body costs at most the cap plus one item.
    CappedBodySubscriber s = new CappedBodySubscriber(LIMIT, -1);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    ByteBuffer item = ByteBuffer.allocate(16 * 1024);
    int offered = 0;
    while (offered < 10 * 1024 * 1024 && sub.requested > offered / item.capacity()) {
      s.onNext(List.of(item.duplicate()));
      offered += item.capacity();
    }

    assertThat(body(s)).isEqualTo(new Body.TooLarge(LIMIT + 16 * 1024, false));
    assertThat(sub.cancels).isEqualTo(1);
    assertThat(offered).as("demand stopped at the cap").isEqualTo(LIMIT + 16 * 1024);
    assertThat(s.received()).isEqualTo(LIMIT + 16 * 1024);
  }

  @Test
  void bodyOfExactlyTheLimitIsAccepted() throws Exception {
    CappedBodySubscriber s = new CappedBodySubscriber(10, 10);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    s.onNext(List.of(ByteBuffer.wrap(new byte[10])));
    s.onComplete();
    assertThat(body(s)).isInstanceOfSatisfying(Body.Bytes.class, b -> assertThat(b.bytes()).hasSize(10));

    CappedBodySubscriber over = new CappedBodySubscriber(10, -1);
    over.onSubscribe(new Recording());
    over.onNext(List.of(ByteBuffer.wrap(new byte[6])));
    over.onNext(List.of(ByteBuffer.wrap(new byte[5])));
    assertThat(body(over)).isEqualTo(new Body.TooLarge(11, false));
  }

  @Test
  void anErrorAfterTheCapIsIgnoredAndAnErrorBeforeItFailsTheBody() throws Exception {
    // HTTP/2 reports the reset of a cancelled stream as an error; the cap decided first.
    CappedBodySubscriber capped = new CappedBodySubscriber(4, -1);
    capped.onSubscribe(new Recording());
    capped.onNext(List.of(ByteBuffer.wrap(new byte[5])));
    capped.onError(new IOException("Stream 1 cancelled"));
    assertThat(body(capped)).isInstanceOf(Body.TooLarge.class);

    CappedBodySubscriber broken = new CappedBodySubscriber(4, -1);
    broken.onSubscribe(new Recording());
    broken.onError(new IOException("connection reset"));
    CompletableFuture<Body> f = broken.getBody().toCompletableFuture();
    Assertions.assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void cancelBeforeOrAfterSubscribeStopsTheTransfer() {
    CappedBodySubscriber early = new CappedBodySubscriber(LIMIT, -1);
    early.cancel();
    Recording sub = new Recording();
    early.onSubscribe(sub);
    assertThat(sub.cancels).isEqualTo(1);
    assertThat(sub.requested).isZero();
    assertThat(early.getBody().toCompletableFuture()).isCompletedExceptionally();

    CappedBodySubscriber late = new CappedBodySubscriber(LIMIT, -1);
    Recording sub2 = new Recording();
    late.onSubscribe(sub2);
    late.cancel();
    late.onNext(List.of(ByteBuffer.wrap(new byte[3])));
    assertThat(sub2.cancels).isEqualTo(1);
    assertThat(sub2.requested).isEqualTo(1);
    // join() rethrows a CancellationException as it is.
    Assertions.assertThatThrownBy(() -> late.getBody().toCompletableFuture().join())
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void aSecondSubscriptionIsCancelled() {
    CappedBodySubscriber s = new CappedBodySubscriber(LIMIT, -1);
    s.onSubscribe(new Recording());
    Recording second = new Recording();
    s.onSubscribe(second);
    assertThat(second.cancels).isEqualTo(1);
  }

  @Test
  void discardingSubscriberReadsAShortBodyToItsEnd() {
    // An error page is read whole, so the exchange ends normally and the connection stays usable.
    DiscardingBodySubscriber s = new DiscardingBodySubscriber(new Body.Skipped(), 100);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    s.onNext(List.of(ByteBuffer.wrap(new byte[60])));
    s.onNext(List.of(ByteBuffer.wrap(new byte[40])));
    s.onComplete();
    assertThat(sub.cancels).isZero();
    assertThat(sub.requested).isEqualTo(3);
    assertThat(s.getBody().toCompletableFuture().join()).isEqualTo(new Body.Skipped());
  }

  @Test
  void discardingSubscriberCutsALongBodyOffAndKeepsItsAnswerThroughAnError() {
    DiscardingBodySubscriber s = new DiscardingBodySubscriber(new Body.Skipped(), 100);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    s.onNext(List.of(ByteBuffer.wrap(new byte[101])));
    s.onNext(List.of(ByteBuffer.wrap(new byte[1000])));
    s.onError(new IOException("Stream 1 cancelled"));
    assertThat(sub.cancels).isEqualTo(1);
    assertThat(sub.requested).isEqualTo(1);
    assertThat(s.getBody().toCompletableFuture().join()).isEqualTo(new Body.Skipped());
  }

  @Test
  void discardingSubscriberWithNoAllowanceCancelsAtOnce() {
    DiscardingBodySubscriber s = new DiscardingBodySubscriber(new Body.TooLarge(10_000_000, true), 0);
    Recording sub = new Recording();
    s.onSubscribe(sub);
    assertThat(sub.cancels).isEqualTo(1);
    assertThat(sub.requested).isZero();
    assertThat(s.getBody().toCompletableFuture().join()).isEqualTo(new Body.TooLarge(10_000_000, true));
  }

  @Test
  void limitMustBePositive() {
    Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new CappedBodySubscriber(0, -1));
  }
}
