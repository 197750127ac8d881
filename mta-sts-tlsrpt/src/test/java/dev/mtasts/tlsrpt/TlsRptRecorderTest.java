package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TlsRptRecorderTest {
  static final LocalDate DAY = LocalDate.of(2026, 3, 10);

  static Instant at(LocalDate day, int hour) {
    return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
  }

  final TestSupport.MutableClock clock = new TestSupport.MutableClock(at(DAY, 0));

  @Test
  void countsSessionsPerUtcDayAndPolicy() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    ReportPolicy a = TestSupport.stsPolicy("a.example");
    ReportPolicy b = ReportPolicy.noPolicyFound(PolicyDomain.of("b.example"));
    recorder.record(a, SessionOutcome.success());
    clock.set(DAY.atTime(23, 59, 59, 999_000_000).toInstant(ZoneOffset.UTC));
    recorder.record(a, SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).build());
    recorder.record(b, SessionOutcome.success());
    clock.set(at(DAY.plusDays(1), 0)); // midnight belongs to the next day
    recorder.record(a, SessionOutcome.success());

    List<DailyAggregate> closed = recorder.closeFinishedDays();
    assertThat(closed).extracting(d -> d.policyDomain().name()).containsExactly("a.example", "b.example");
    assertThat(closed).allMatch(d -> d.day().equals(DAY));
    PolicyReport pa = closed.get(0).policies().get(0);
    assertThat(pa.totalSuccessfulSessionCount()).isEqualTo(1);
    assertThat(pa.totalFailureSessionCount()).isEqualTo(1);
    assertThat(pa.failureDetails()).singleElement()
        .satisfies(d -> assertThat(d.resultType()).isEqualTo("certificate-expired"))
        .satisfies(d -> assertThat(d.failedSessionCount()).isEqualTo(1));
    assertThat(closed.get(0).dateRange()).isEqualTo(DateRange.utcDay(DAY));

    // The next day stays open until it is over.
    assertThat(recorder.closeFinishedDays()).isEmpty();
    assertThat(recorder.snapshot()).singleElement().satisfies(d -> assertThat(d.day()).isEqualTo(DAY.plusDays(1)));
    assertThat(recorder.stats().recordedSessions()).isEqualTo(4);
  }

  @Test
  void differentPoliciesOfOneDomainAreSeparateEntriesOfOneAggregate() {
    // RPT-7: a report can list several policies of one domain.
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    PolicyDomain d = PolicyDomain.of("example.com");
    ReportPolicy v1 = TestSupport.stsPolicy("example.com");
    ReportPolicy none = ReportPolicy.noPolicyFound(d);
    ReportPolicy broken = ReportPolicy.stsWithoutPolicy(d);
    recorder.record(v1, SessionOutcome.success());
    recorder.record(none, SessionOutcome.success());
    recorder.record(broken, SessionOutcome.failure(TlsRptResultType.STS_POLICY_FETCH_ERROR).build());
    List<DailyAggregate> all = recorder.closeDaysBefore(DAY.plusDays(1));
    assertThat(all).singleElement().satisfies(a -> assertThat(a.policies()).hasSize(3));
  }

  @Test
  void reportDeliveriesAreNeverCounted() {
    // RPT-24
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    ReportPolicy p = TestSupport.stsPolicy("reports.example");
    assertThat(TlsRptRecorder.isReportMessage(List.of("From", "tls-report-submitter", "Subject"))).isTrue();
    assertThat(TlsRptRecorder.isReportMessage(Set.of("TLS-Report-Domain"))).isTrue();
    assertThat(TlsRptRecorder.isReportMessage(List.of("From", "To"))).isFalse();
    recorder.recordReportDelivery(p, SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED).build());
    recorder.recordReportDelivery(p, SessionOutcome.success());
    assertThat(recorder.closeDaysBefore(DAY.plusDays(1))).isEmpty();
    assertThat(recorder.stats().ignoredReportDeliveries()).isEqualTo(2);
    assertThat(recorder.stats().recordedSessions()).isZero();
  }

  @Test
  void sessionsForAClosedDayAreCountedAsLate() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    recorder.record(p, SessionOutcome.success());
    assertThat(recorder.closeDaysBefore(DAY.plusDays(1))).hasSize(1);
    recorder.record(p, SessionOutcome.success()); // the clock still says DAY
    assertThat(recorder.stats().lateSessions()).isEqualTo(1);
    assertThat(recorder.closeDaysBefore(DAY.plusDays(1))).isEmpty();
  }

  @Test
  void failureDetailsBeyondTheLimitAreCountedUnderACoarseEntry() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxFailureDetailsPerPolicy(3).build();
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    for (int i = 0; i < 10; i++) {
      SessionOutcome.Failure f = SessionOutcome.failure(
              i % 2 == 0 ? TlsRptResultType.CERTIFICATE_EXPIRED : TlsRptResultType.STARTTLS_NOT_SUPPORTED)
          .receivingIp("192.0.2." + i).build();
      recorder.record(p, f);
      recorder.record(p, f);
    }
    PolicyReport pr = recorder.closeDaysBefore(DAY.plusDays(1)).get(0).policies().get(0);
    assertThat(pr.totalFailureSessionCount()).isEqualTo(20);
    assertThat(pr.failureDetails().stream().mapToLong(FailureDetail::failedSessionCount).sum()).isEqualTo(20);
    List<FailureDetail> coarse = pr.failureDetails().stream()
        .filter(d -> SessionOutcome.Failure.DETAIL_LIMIT_REASON_CODE.equals(d.failureReasonCode())).toList();
    assertThat(coarse).extracting(FailureDetail::resultType)
        .containsExactlyInAnyOrder("certificate-expired", "starttls-not-supported");
    assertThat(coarse).allMatch(d -> d.receivingIp() == null);
    assertThat(pr.failureDetails()).hasSize(3 + 2);
    assertThat(recorder.stats().sessionsOverDetailLimit()).isEqualTo(14);
  }

  @Test
  void theDailyDetailLimitAppliesAcrossPolicies() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxFailureDetailsPerDay(2).build();
    for (String d : List.of("a.example", "b.example", "c.example")) {
      recorder.record(TestSupport.stsPolicy(d), SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
          .receivingMxHostname("mx." + d).build());
    }
    List<DailyAggregate> all = recorder.closeDaysBefore(DAY.plusDays(1));
    assertThat(all.get(2).policies().get(0).failureDetails()).singleElement()
        .satisfies(f -> assertThat(f.failureReasonCode()).isEqualTo(SessionOutcome.Failure.DETAIL_LIMIT_REASON_CODE));
  }

  @Test
  void policiesBeyondTheLimitAreNotReportedButCounted() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxPoliciesPerDay(2).build();
    for (String d : List.of("a.example", "b.example", "c.example", "a.example")) {
      recorder.record(TestSupport.stsPolicy(d), SessionOutcome.success());
    }
    assertThat(recorder.closeDaysBefore(DAY.plusDays(1))).extracting(a -> a.policyDomain().name())
        .containsExactly("a.example", "b.example");
    assertThat(recorder.stats().sessionsOverPolicyLimit()).isEqualTo(1);
    assertThat(recorder.stats().recordedSessions()).isEqualTo(3);
  }

  @Test
  void daysNobodyClosesAreDroppedOldestFirst() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxOpenDays(2).build();
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    for (int day = 0; day < 4; day++) {
      clock.set(at(DAY.plusDays(day), 12));
      recorder.record(p, SessionOutcome.success());
      recorder.record(p, SessionOutcome.success());
    }
    RecorderStats s = recorder.stats();
    assertThat(s.openDays()).isEqualTo(2);
    assertThat(s.discardedSessions()).isEqualTo(4);
    assertThat(recorder.closeDaysBefore(DAY.plusDays(10))).extracting(DailyAggregate::day)
        .containsExactly(DAY.plusDays(2), DAY.plusDays(3));
  }

  @Test
  void rejectsPoliciesWithoutANormalizedDomain() {
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    ReportPolicy noDomain = new ReportPolicy(PolicyType.STS, List.of(), null, List.of());
    ReportPolicy upper = new ReportPolicy(PolicyType.STS, List.of(), "Example.COM", List.of());
    assertThatIllegalArgumentException().isThrownBy(() -> recorder.record(noDomain, SessionOutcome.success()));
    assertThatIllegalArgumentException().isThrownBy(() -> recorder.record(upper, SessionOutcome.success()));
  }

  @Test
  void builderOptionsAreSetOnceAndValidated() {
    assertThatIllegalStateException().isThrownBy(() -> TlsRptRecorder.builder().maxOpenDays(2).maxOpenDays(3));
    assertThatIllegalArgumentException().isThrownBy(() -> TlsRptRecorder.builder().maxPoliciesPerDay(0));
  }

  @Test
  @Timeout(60)
  void closingADayWhileThreadsRecordLosesNoSession() throws Exception {
    // Threads record into DAY; another thread closes it mid-way. Every session is either in the
    // report or counted as late: none is lost or counted twice.
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    clock.set(at(DAY, 23));
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    int threads = 8;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch halfway = new CountDownLatch(threads);
      CountDownLatch closedLatch = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            if (i == perThread / 2) {
              halfway.countDown();
            }
            if (i == perThread * 9 / 10) {
              // The last tenth surely comes after the close; the rest may race with it.
              closedLatch.await();
            }
            recorder.record(p, i % 3 == 0 ? SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).build()
                : SessionOutcome.success());
          }
          return null;
        }));
      }
      Future<List<DailyAggregate>> closer = pool.submit(() -> {
        halfway.await();
        List<DailyAggregate> c = recorder.closeDaysBefore(DAY.plusDays(1));
        closedLatch.countDown();
        return c;
      });
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      List<DailyAggregate> closed = closer.get(30, TimeUnit.SECONDS);
      long reported = closed.isEmpty() ? 0 : closed.get(0).policies().get(0).totalSessionCount();
      assertThat(reported).isPositive();
      assertThat(reported + recorder.stats().lateSessions()).isEqualTo((long) threads * perThread);
      assertThat(recorder.stats().lateSessions()).isGreaterThanOrEqualTo((long) threads * perThread / 10);
    } finally {
      pool.shutdownNow();
    }
  }
}
