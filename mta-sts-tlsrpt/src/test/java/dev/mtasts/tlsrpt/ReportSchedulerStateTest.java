package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.tlsrpt.ReportSchedulerListener.Outcome;
import dev.mtasts.tlsrpt.ReportSchedulerTest.FakeDelivery;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting reports survive restarts: they resume with their history, retries go on within the
 * retry period of the first attempt (RPT-27), and endpoints that accepted a report do not get it
 * again (RPT-5). A "crash" is a copy of the state directory taken at a chosen moment, opened by a
 * new recorder and scheduler.
 */
@Timeout(60)
class ReportSchedulerStateTest {
  static final LocalDate DAY = LocalDate.of(2026, 5, 4);
  static final Instant DAY_END = DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  static final ReporterIdentity REPORTER = new ReporterIdentity("Sender", "tlsrpt@sender.example");
  static final String RECORD = "_smtp._tls.example.com";

  @TempDir
  Path dir;
  @TempDir
  Path crashed;

  final TestSupport.MutableClock clock = new TestSupport.MutableClock(DAY.atTime(12, 0).toInstant(ZoneOffset.UTC));
  final TestSupport.FakeDns dns = new TestSupport.FakeDns();
  final ReportSchedulerTest.Events events = new ReportSchedulerTest.Events();

  @BeforeEach
  void publishRecord() {
    dns.record(RECORD, "v=TLSRPTv1; rua=https://r.example/");
  }

  /** A recorder and a scheduler on one state directory: one run of the MTA. */
  record Node(TlsRptRecorder recorder, ReportScheduler scheduler) {}

  Node start(Path stateDir, ReportDelivery... deliveries) {
    TlsRptRecorder r = TlsRptRecorder.builder().clock(clock).stateDirectory(stateDir).build();
    ReportScheduler.Builder b = ReportScheduler.builder().recorder(r).reporter(REPORTER).dnsLookup(dns)
        .random(new SplittableRandom(42)).addListener(events).clock(clock).stateDirectory(stateDir);
    for (ReportDelivery d : deliveries) {
      b.addDelivery(d);
    }
    return new Node(r, b.build());
  }

  FakeDelivery https(BiFunction<URI, Integer, DeliveryOutcome> answer) {
    return new FakeDelivery("https", clock, answer);
  }

  /** Starts on {@code dir} and counts sessions of example.com. */
  Node withTraffic(ReportDelivery... deliveries) {
    Node n = start(dir, deliveries);
    traffic(n.recorder(), "example.com");
    return n;
  }

  /** Starts on {@code dir}, counts a day of example.com and closes it: its report is built and saved. */
  Node dayClosed(ReportDelivery... deliveries) {
    Node n = withTraffic(deliveries);
    run(n.scheduler(), DAY_END);
    return n;
  }

  /** Starts a new recorder and scheduler on what a crash at this moment would leave in {@code dir}. */
  Node restartAfterCrash(ReportDelivery... deliveries) {
    return start(TestSupport.crashCopy(dir, crashed), deliveries);
  }

  /** Runs the next due attempt; returns its time. */
  Instant runNext(ReportScheduler s) {
    Instant t = s.nextDue().orElseThrow();
    run(s, t);
    return t;
  }

  void traffic(TlsRptRecorder r, String domain) {
    r.record(TestSupport.stsPolicy(domain), SessionOutcome.success());
    r.record(TestSupport.stsPolicy(domain), SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).build());
  }

  void run(ReportScheduler s, Instant t) {
    clock.set(t);
    s.runDue(t).toCompletableFuture().join();
  }

  void drain(ReportScheduler s) {
    while (s.nextDue().isPresent()) {
      runNext(s);
    }
  }

  static List<String> stateFiles(Path d) {
    return TestSupport.fileNames(d).stream().filter(n -> n.endsWith(".state")).toList();
  }

  @Test
  void aDayInterruptedByARestartIsReportedOnceWithAllItsSessions() {
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = withTraffic(https);
    first.scheduler().close();
    first.recorder().close();

    Node second = start(dir, https);
    clock.set(DAY.atTime(18, 0).toInstant(ZoneOffset.UTC));
    second.recorder().record(TestSupport.stsPolicy("example.com"), SessionOutcome.success());
    run(second.scheduler(), DAY_END);
    drain(second.scheduler());

    assertThat(https.reports).singleElement().satisfies(r -> {
      assertThat(r.report().totalSuccessfulSessionCount()).isEqualTo(2);
      assertThat(r.report().totalFailureSessionCount()).isEqualTo(1);
    });
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
    assertThat(stateFiles(dir)).isEmpty(); // the day and the report are done: nothing left to resume
  }

  @Test
  void aWaitingReportResumesAfterACrashWithItsBytesAndReportId() {
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = dayClosed(https);
    Instant sendAt = first.scheduler().nextDue().orElseThrow();
    assertThat(sendAt).isAfter(DAY_END); // RPT-8: not sent yet
    EncodedReport built = events.scheduledReports.get(0);

    Node second = restartAfterCrash(https);
    assertThat(second.scheduler().pendingReports()).isEqualTo(1);
    assertThat(second.scheduler().nextDue()).contains(sendAt);
    assertThat(second.recorder().snapshot()).isEmpty(); // the day went to the scheduler, not back
    run(second.scheduler(), DAY_END);
    assertThat(second.scheduler().pendingReports()).isEqualTo(1); // no second report of the day
    drain(second.scheduler());

    assertThat(https.attemptTimes).containsExactly(sendAt);
    assertThat(https.reports).containsExactly(built); // the same report-id and the same bytes
    assertThat(dns.lookups.get(RECORD).get()).isEqualTo(1);
    assertThat(stateFiles(crashed)).isEmpty();
  }

  @Test
  void retriesContinueAfterACrashWithinTheRetryPeriodOfTheFirstAttempt() {
    // RPT-27: the back-off and the 24 hours go on from the saved history.
    FakeDelivery https = https(ReportSchedulerTest::retryable);
    Node first = dayClosed(https);
    for (int i = 0; i < 3; i++) {
      runNext(first.scheduler());
    }
    assertThat(https.attemptTimes).hasSize(3);

    Node second = restartAfterCrash(https);
    drain(second.scheduler());

    List<Instant> t = https.attemptTimes;
    assertThat(t).hasSize(9); // as many as without the crash
    for (int i = 1; i < t.size(); i++) {
      assertThat(Duration.between(t.get(i - 1), t.get(i))).isEqualTo(Duration.ofMinutes(5L << (i - 1)));
    }
    assertThat(Duration.between(t.get(0), t.get(8))).isLessThanOrEqualTo(Duration.ofHours(24));
    assertThat(events.retryNumbers).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(events.finished).containsEntry("example.com", Outcome.NOT_DELIVERED);
    assertThat(stateFiles(crashed)).isEmpty();
  }

  @Test
  void aLateRestartStillEndsTheRetriesWithinTheRetryPeriodOfTheFirstAttempt() {
    // RPT-27
    FakeDelivery https = https(ReportSchedulerTest::retryable);
    Node first = dayClosed(https);
    Instant firstAttempt = runNext(first.scheduler());

    // Down for 23 hours; then the saved next attempt is long overdue.
    Node second = restartAfterCrash(https);
    run(second.scheduler(), firstAttempt.plus(Duration.ofHours(23)));
    drain(second.scheduler());
    assertThat(https.attemptTimes).hasSizeGreaterThan(2)
        .allSatisfy(at -> assertThat(at).isBetween(firstAttempt, firstAttempt.plus(Duration.ofHours(24))));
    assertThat(events.finished).containsEntry("example.com", Outcome.NOT_DELIVERED);
  }

  @Test
  void aRestartAfterTheRetryPeriodGivesUpWithoutSending() {
    // RPT-27
    FakeDelivery failing = https(ReportSchedulerTest::retryable);
    Node first = dayClosed(failing);
    Instant firstAttempt = runNext(first.scheduler());

    FakeDelivery later = https(ReportSchedulerTest::ok);
    Node second = restartAfterCrash(later);
    run(second.scheduler(), firstAttempt.plus(Duration.ofHours(24)).plusSeconds(1));
    assertThat(later.calls).isEmpty();
    assertThat(events.finished).containsEntry("example.com", Outcome.NOT_DELIVERED);
    assertThat(second.scheduler().pendingReports()).isZero();
    assertThat(stateFiles(crashed)).isEmpty();
  }

  @Test
  void endpointsThatAcceptedAreNotSentToAgainAfterARestart() {
    // RPT-5: each endpoint is retried on its own, across restarts too.
    dns.record(RECORD, "v=TLSRPTv1; rua=https://good.example/,https://flaky.example/");
    FakeDelivery https = new FakeDelivery("https", clock,
        (u, n) -> u.getHost().equals("flaky.example") && n < 3 ? ReportSchedulerTest.retryable(u, n)
            : ReportSchedulerTest.ok(u, n));
    Node first = dayClosed(https);
    runNext(first.scheduler());
    assertThat(https.calls).containsEntry(URI.create("https://good.example/"), 1)
        .containsEntry(URI.create("https://flaky.example/"), 1);

    Node second = restartAfterCrash(https);
    drain(second.scheduler());
    assertThat(https.calls).containsEntry(URI.create("https://good.example/"), 1)
        .containsEntry(URI.create("https://flaky.example/"), 3);
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
  }

  @Test
  void anAcceptanceIsSavedWhileOtherEndpointsAreStillBeingTried() {
    // RPT-5: the acceptance of one endpoint is saved at once, not when the slowest one answers.
    dns.record(RECORD, "v=TLSRPTv1; rua=https://fast.example/,https://slow.example/");
    CompletableFuture<DeliveryOutcome> slowAnswer = new CompletableFuture<>();
    List<URI> firstRunCalls = new CopyOnWriteArrayList<>();
    ReportDelivery hanging = new ReportDelivery() {
      @Override
      public boolean supports(URI rua) {
        return rua.getScheme().equals("https");
      }

      @Override
      public CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua) {
        firstRunCalls.add(rua);
        return rua.getHost().equals("fast.example") ? CompletableFuture.completedFuture(ReportSchedulerTest.ok(rua, 1))
            : slowAnswer;
      }
    };
    Node first = dayClosed(hanging);
    Instant at = first.scheduler().nextDue().orElseThrow();
    clock.set(at);
    CompletableFuture<Void> running = first.scheduler().runDue(at).toCompletableFuture();
    assertThat(firstRunCalls).hasSize(2);
    assertThat(running).isNotDone();

    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node second = restartAfterCrash(https); // the process dies while "slow" hangs
    drain(second.scheduler());
    assertThat(https.calls).containsOnlyKeys(URI.create("https://slow.example/"));
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
    slowAnswer.complete(ReportSchedulerTest.ok(URI.create("https://slow.example/"), 1));
    assertThat(running).isCompleted();
  }

  @Test
  void aReportThatEveryEndpointAcceptedIsNotResumed() {
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = dayClosed(https);
    // The crash comes after the acceptance was saved, before the file was deleted.
    events.onDelivered = d -> TestSupport.crashCopy(dir, crashed);
    drain(first.scheduler());
    assertThat(stateFiles(crashed)).hasSize(1);

    Node second = start(crashed, https);
    assertThat(second.scheduler().pendingReports()).isZero();
    drain(second.scheduler());
    assertThat(https.calls.get(URI.create("https://r.example/"))).isEqualTo(1);
    assertThat(stateFiles(crashed)).isEmpty();
  }

  @Test
  void aCrashBetweenSavingTheReportsAndDeletingTheDayReportsTheDayOnce() throws IOException {
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = withTraffic(https);
    first.recorder().flush();
    Path dayFile = dir.resolve("tlsrpt-day-" + DAY + ".state");
    byte[] day = Files.readAllBytes(dayFile);
    run(first.scheduler(), DAY_END);
    assertThat(dayFile).doesNotExist();

    TestSupport.crashCopy(dir, crashed);
    Files.write(crashed.resolve(dayFile.getFileName()), day); // as if the deletion had not happened
    Node second = start(crashed, https);
    assertThat(second.recorder().snapshot()).hasSize(1);
    assertThat(second.scheduler().pendingReports()).isEqualTo(1);
    run(second.scheduler(), DAY_END);
    assertThat(second.scheduler().pendingReports()).isEqualTo(1);
    assertThat(crashed.resolve(dayFile.getFileName())).doesNotExist();
    drain(second.scheduler());
    assertThat(https.reports).hasSize(1);
  }

  @Test
  void aCorruptReportFileIsSetAsideAndTheOtherReportsResume() throws IOException {
    dns.record("_smtp._tls.other.example", "v=TLSRPTv1; rua=https://r.example/other");
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = withTraffic(https);
    traffic(first.recorder(), "other.example");
    run(first.scheduler(), DAY_END);
    TestSupport.crashCopy(dir, crashed);
    String broken = "tlsrpt-report-" + DAY + "-" + events.scheduledReports.get(0).uniqueId() + ".state";
    Path file = crashed.resolve(broken);
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x01;
    Files.write(file, b);

    Node second = start(crashed, https);
    assertThat(second.scheduler().pendingReports()).isEqualTo(1);
    assertThat(TestSupport.fileNames(crashed)).anyMatch(n -> n.startsWith(broken + ".corrupt-"));
    drain(second.scheduler());
    assertThat(https.reports).singleElement()
        .satisfies(r -> assertThat(r.uniqueId()).isEqualTo(events.scheduledReports.get(1).uniqueId()));
  }

  @Test
  void closeStopsTheSchedulerAndHandsTheDirectoryOver() {
    FakeDelivery https = https(ReportSchedulerTest::ok);
    Node first = withTraffic(https);
    first.scheduler().close();
    run(first.scheduler(), DAY_END);
    assertThat(first.scheduler().pendingReports()).isZero();
    assertThat(first.recorder().snapshot()).hasSize(1); // the day stays with the recorder

    assertThatIllegalStateException().isThrownBy(() -> start(dir, https)); // the recorder still holds it
    ReportScheduler next = ReportScheduler.builder().recorder(first.recorder()).reporter(REPORTER).dnsLookup(dns)
        .addDelivery(https).stateDirectory(dir).build();
    run(next, DAY_END);
    assertThat(next.pendingReports()).isEqualTo(1);
    assertThat(stateFiles(dir)).singleElement().satisfies(n -> assertThat(n).startsWith("tlsrpt-report-" + DAY + "-"));
  }
}
