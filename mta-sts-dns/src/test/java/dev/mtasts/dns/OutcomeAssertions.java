package dev.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Assertion helpers for {@link DnsOutcome}s; awaiting with a generous hang guard. */
final class OutcomeAssertions {
  /** Hang guard: every lookup in these tests finishes far sooner. */
  static final long HANG_GUARD_SECONDS = 30;

  private OutcomeAssertions() {}

  static <T> DnsOutcome<T> await(CompletionStage<DnsOutcome<T>> stage) throws Exception {
    return stage.toCompletableFuture().get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
  }

  static <T> DnssecOutcome<T> awaitDnssec(CompletionStage<DnssecOutcome<T>> stage)
      throws Exception {
    return stage.toCompletableFuture().get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
  }

  static <T> DnsOutcome.Records<T> records(DnsOutcome<T> outcome) {
    if (outcome instanceof DnsOutcome.Records<T> r) {
      return r;
    }
    return fail("expected records but got " + outcome);
  }

  static <T> List<T> recordList(DnsOutcome<T> outcome) {
    return records(outcome).records();
  }

  static DnsOutcome.TemporaryFailure<?> failure(DnsOutcome<?> outcome, DnsFailure reason) {
    if (outcome instanceof DnsOutcome.TemporaryFailure<?> f) {
      assertThat(f.reason()).as("reason of %s", f).isEqualTo(reason);
      return f;
    }
    return fail("expected a temporary failure " + reason + " but got " + outcome);
  }
}
