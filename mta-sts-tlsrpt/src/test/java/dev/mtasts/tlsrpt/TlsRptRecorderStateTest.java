package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's counts survive restarts: flush, close, restore, crash copies, bad files. */
@Timeout(60)
class TlsRptRecorderStateTest {
  static final LocalDate DAY = LocalDate.of(2026, 3, 10);

  @TempDir
  Path dir;
  @TempDir
  Path crashed;

  final TestSupport.MutableClock clock = new TestSupport.MutableClock(DAY.atTime(9, 0).toInstant(ZoneOffset.UTC));

  TlsRptRecorder recorder(Path stateDir) {
    return TlsRptRecorder.builder().clock(clock).stateDirectory(stateDir).build();
  }

  static final SessionOutcome.Failure EXPIRED = SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
      .sendingMtaIp("2001:db8:0:0::1")
      .receivingMxHostname("MX1.Example.com")
      .receivingMxHelo("mx1 ESMTP")
      .receivingIp("192.0.2.7")
      .failureReasonCode("X509_V_ERR_CERT_HAS_EXPIRED")
      .additionalInformation(URI.create("https://sender.example/tlsrpt/expired"))
      .build();

  /** Some traffic on two days and three domains, with every kind of policy and detail. */
  void traffic(TlsRptRecorder r) {
    ReportPolicy sts = TestSupport.stsPolicy("a.example");
    ReportPolicy none = ReportPolicy.noPolicyFound(PolicyDomain.of("b.example"));
    ReportPolicy tlsa = ReportPolicy.tlsa(PolicyDomain.of("mx.c.example"), List.of("3 1 1 abcdef0123"));
    for (int i = 0; i < 7; i++) {
      r.record(sts, SessionOutcome.success());
    }
    r.record(sts, EXPIRED);
    r.record(sts, EXPIRED);
    r.record(none, SessionOutcome.success());
    r.record(tlsa, SessionOutcome.failure(TlsRptResultType.TLSA_INVALID).receivingMxHostname("mx.c.example").build());
    clock.set(DAY.plusDays(1).atTime(1, 0).toInstant(ZoneOffset.UTC));
    r.record(sts, SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED).build());
    r.record(none, SessionOutcome.success());
  }

  @Test
  void countsSurviveARestartAndLaterSessionsAddToThem() {
    TlsRptRecorder first = recorder(dir);
    traffic(first);
    List<DailyAggregate> before = first.snapshot();
    first.flush();

    // A crash right after the flush: the files are all there is.
    TlsRptRecorder second = recorder(TestSupport.crashCopy(dir, crashed));
    assertThat(second.snapshot()).isEqualTo(before);
    assertThat(second.stats().openDays()).isEqualTo(2);

    // Sessions after the restart add to the restored counts, in the same entries.
    second.record(TestSupport.stsPolicy("a.example"), SessionOutcome.success());
    second.record(TestSupport.stsPolicy("a.example"), SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED).build());
    List<DailyAggregate> closed = second.closeDaysBefore(DAY.plusDays(2));
    DailyAggregate a = closed.stream().filter(d -> d.day().equals(DAY.plusDays(1))
        && d.policyDomain().name().equals("a.example")).findFirst().orElseThrow();
    assertThat(a.policies()).singleElement().satisfies(p -> {
      assertThat(p.totalSuccessfulSessionCount()).isEqualTo(1);
      assertThat(p.totalFailureSessionCount()).isEqualTo(2);
      assertThat(p.failureDetails()).singleElement().satisfies(d -> assertThat(d.failedSessionCount()).isEqualTo(2));
    });
    // Closing deleted the day files: nothing is reported twice after another restart.
    assertThat(TestSupport.fileNames(crashed)).noneMatch(n -> n.startsWith("tlsrpt-day-2"));
    second.close();
    assertThat(recorder(crashed).snapshot()).isEmpty();
  }

  @Test
  void everyMemberOfAFailureDetailRoundTrips() {
    TlsRptRecorder first = recorder(dir);
    traffic(first);
    first.close();
    DailyAggregate a = recorder(dir).closeDaysBefore(DAY.plusDays(1)).get(0);
    assertThat(a.policyDomain().name()).isEqualTo("a.example");
    assertThat(a.policies().get(0).policy()).isEqualTo(TestSupport.stsPolicy("a.example"));
    assertThat(a.policies().get(0).failureDetails()).singleElement()
        .isEqualTo(FailureDetail.of(EXPIRED, 2));
  }

  @Test
  void aCrashLosesAtMostTheSessionsSinceTheLastFlush() {
    TlsRptRecorder r = recorder(dir);
    ReportPolicy p = TestSupport.stsPolicy("a.example");
    for (int i = 0; i < 10; i++) {
      r.record(p, SessionOutcome.success());
    }
    r.flush();
    for (int i = 0; i < 5; i++) {
      r.record(p, SessionOutcome.success());
    }
    TlsRptRecorder restarted = recorder(TestSupport.crashCopy(dir, crashed));
    assertThat(successes(restarted)).isEqualTo(10);
    r.flush();
    assertThat(successes(recorder(TestSupport.crashCopy(dir, crashed.resolve("later"))))).isEqualTo(15);
  }

  @Test
  void aFlushWhileOtherThreadsRecordSavesEverySessionRecordedBeforeIt() throws Exception {
    TlsRptRecorder r = recorder(dir);
    int threads = 4;
    int perThread = 20_000;
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        running.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            ReportPolicy p = TestSupport.stsPolicy("d" + (i % 7) + ".example");
            r.record(p, i % 3 == 0 ? SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
                .receivingMxHostname("mx" + (i + id) % 4 + ".example").build() : SessionOutcome.success());
            done.incrementAndGet();
          }
        }));
      }
      int round = 0;
      while (running.stream().anyMatch(f -> !f.isDone())) {
        long before = done.get();
        r.flush();
        long after = done.get();
        TlsRptRecorder copy = recorder(TestSupport.crashCopy(dir, crashed.resolve("flush-" + round++)));
        long saved = sessions(copy);
        copy.close();
        // Every session counted before the flush began is saved. A worker counts a session
        // only after record() returns, so up to one session per thread can be saved by the
        // flush and still be missing from `after`.
        assertThat(saved).isBetween(before, after + threads);
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    r.close();
    assertThat(sessions(recorder(dir))).isEqualTo((long) threads * perThread);
  }

  @Test
  void closeSavesTheLastSessionsAndLaterOnesAreNotCounted() {
    TlsRptRecorder r = recorder(dir);
    ReportPolicy p = TestSupport.stsPolicy("a.example");
    r.record(p, SessionOutcome.success());
    r.close();
    r.record(p, SessionOutcome.success());
    assertThat(r.stats().lateSessions()).isEqualTo(1);
    assertThat(r.closeDaysBefore(DAY.plusDays(1))).isEmpty(); // the day belongs to the next recorder
    r.flush(); // does nothing once closed
    r.close(); // idempotent
    assertThat(successes(recorder(dir))).isEqualTo(1);
  }

  @Test
  void theDirectoryIsLockedWhileARecorderUsesIt() {
    TlsRptRecorder r = recorder(dir);
    assertThatIllegalStateException().isThrownBy(() -> recorder(dir)).withMessageContaining("in use");
    r.close();
    recorder(dir).close();
  }

  @Test
  void flushWritesOnlyDaysThatChanged() throws IOException {
    TlsRptRecorder r = recorder(dir);
    traffic(r);
    r.flush();
    byte[] saved = Files.readAllBytes(dayFile(DAY));
    Files.delete(dayFile(DAY));
    r.record(TestSupport.stsPolicy("a.example"), SessionOutcome.success()); // the clock is on day 2
    r.flush();
    assertThat(dayFile(DAY)).doesNotExist();
    Files.write(dayFile(DAY), saved);
    r.close();
    assertThat(recorder(dir).snapshot()).hasSize(5);
  }

  @Test
  void withoutAStateDirectoryFlushDoesNothingAndPeriodicFlushingIsRefused() {
    TlsRptRecorder r = TlsRptRecorder.builder().clock(clock).build();
    r.record(TestSupport.stsPolicy("a.example"), SessionOutcome.success());
    r.flush();
    ScheduledThreadPoolExecutor ses = new ScheduledThreadPoolExecutor(1);
    try {
      assertThatIllegalStateException().isThrownBy(() -> r.startFlushing(ses, Duration.ofSeconds(1)));
    } finally {
      ses.shutdownNow();
    }
    r.close();
    assertThat(r.stats().recordedSessions()).isEqualTo(1);
  }

  @Test
  void startFlushingFlushesOnTheCallersExecutor() throws Exception {
    TlsRptRecorder r = recorder(dir);
    r.record(TestSupport.stsPolicy("a.example"), SessionOutcome.success());
    CountDownLatch ran = new CountDownLatch(2);
    ScheduledThreadPoolExecutor ses = new ScheduledThreadPoolExecutor(1) {
      @Override
      protected void afterExecute(Runnable task, Throwable error) {
        ran.countDown();
      }
    };
    try {
      ScheduledFuture<?> task = r.startFlushing(ses, Duration.ofMillis(5));
      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
      task.cancel(false);
    } finally {
      ses.shutdownNow();
      assertThat(ses.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(successes(recorder(TestSupport.crashCopy(dir, crashed)))).isEqualTo(1);
  }

  @Test
  void corruptOrForeignFilesAreSetAsideAndTheRestLoads() throws IOException {
    TlsRptRecorder r = recorder(dir);
    traffic(r);
    r.close();
    Path day1 = dayFile(DAY);
    Path day2 = dayFile(DAY.plusDays(1));
    byte[] good = Files.readAllBytes(day1);
    List<UnaryOperator<byte[]>> damage = List.of(
        b -> flip(b, b.length - 3),                              // a bit in the body
        b -> flip(b, 20),                                         // a bit in the header
        b -> Arrays.copyOf(b, b.length - 10),                     // truncated
        b -> new byte[0],                                         // empty
        b -> "TLSRPT-STATE 1\nkind=report\n".getBytes(StandardCharsets.US_ASCII),
        b -> b);                                                   // intact, but under the wrong day
    for (int i = 0; i < damage.size(); i++) {
      Path target = i == damage.size() - 1 ? dayFile(DAY.minusDays(1)) : day1;
      Files.write(target, damage.get(i).apply(good.clone()));
      TlsRptRecorder restarted = recorder(dir);
      assertThat(restarted.snapshot()).as("damage %d", i).extracting(DailyAggregate::day).containsOnly(DAY.plusDays(1));
      restarted.close();
      assertThat(target).as("damage %d", i).doesNotExist();
      assertThat(day2).exists();
    }
    assertThat(TestSupport.fileNames(dir)).filteredOn(n -> n.contains(".corrupt-")).hasSize(damage.size());
  }

  @Test
  void filesAboveTheSizeLimitAreNotRead() throws IOException {
    Path big = dayFile(DAY);
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength((16 << 20) + 1); // sparse: takes no space
    }
    TlsRptRecorder r = recorder(dir);
    assertThat(r.snapshot()).isEmpty();
    assertThat(big).doesNotExist();
    assertThat(TestSupport.fileNames(dir)).anyMatch(n -> n.startsWith("tlsrpt-day-" + DAY + ".state.corrupt-"));
  }

  @Test
  void atMostMaxOpenDaysFilesAreRead() {
    TlsRptRecorder r = recorder(dir);
    ReportPolicy p = TestSupport.stsPolicy("a.example");
    for (int d = 0; d < 3; d++) {
      clock.set(DAY.plusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC));
      r.record(p, SessionOutcome.success());
    }
    r.close();
    TlsRptRecorder small = TlsRptRecorder.builder().clock(clock).maxOpenDays(2).stateDirectory(dir).build();
    assertThat(small.snapshot()).extracting(DailyAggregate::day).containsExactly(DAY.plusDays(1), DAY.plusDays(2));
    assertThat(TestSupport.fileNames(dir)).anyMatch(n -> n.startsWith("tlsrpt-day-" + DAY + ".state.excess-"));
  }

  @Test
  void aDroppedDayLosesItsFileAtTheNextFlush() {
    TlsRptRecorder r = TlsRptRecorder.builder().clock(clock).maxOpenDays(1).stateDirectory(dir).build();
    ReportPolicy p = TestSupport.stsPolicy("a.example");
    r.record(p, SessionOutcome.success());
    r.flush();
    clock.set(Instant.parse("2026-03-11T00:00:00Z"));
    r.record(p, SessionOutcome.success()); // drops DAY: more than one day open
    r.flush();
    assertThat(TestSupport.fileNames(dir)).filteredOn(n -> n.endsWith(".state"))
        .containsExactly("tlsrpt-day-2026-03-11.state");
  }

  @Test
  void temporaryFilesOfAKilledWriterAreRemoved() throws IOException {
    Path temp = Files.writeString(dir.resolve(".tlsrpt-day-" + DAY + ".state.1234.tmp"), "half");
    recorder(dir).close();
    assertThat(temp).doesNotExist();
  }

  Path dayFile(LocalDate day) {
    return dir.resolve("tlsrpt-day-" + day + ".state");
  }

  static long sessions(TlsRptRecorder r) {
    return r.snapshot().stream().flatMap(d -> d.policies().stream()).mapToLong(PolicyReport::totalSessionCount).sum();
  }

  static long successes(TlsRptRecorder r) {
    return r.snapshot().stream().flatMap(d -> d.policies().stream())
        .mapToLong(PolicyReport::totalSuccessfulSessionCount).sum();
  }

  static byte[] flip(byte[] b, int index) {
    b[index] ^= 0x10;
    return b;
  }
}
