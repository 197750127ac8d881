package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.tlsrpt.ReportSchedulerListener.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ReportSchedulerTest {
  static final LocalDate DAY = LocalDate.of(2026, 5, 4);
  static final Instant DAY_END = DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  static final ReporterIdentity REPORTER = new ReporterIdentity("Sender", "tlsrpt@sender.example");

  final TestSupport.MutableClock clock = new TestSupport.MutableClock(DAY.atTime(12, 0).toInstant(ZoneOffset.UTC));
  final TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
  final TestSupport.FakeDns dns = new TestSupport.FakeDns();
  final Events events = new Events();

  /** A delivery for one scheme whose answers the test decides; records every call. */
  static final class FakeDelivery implements ReportDelivery {
    final String scheme;
    final BiFunction<URI, Integer, DeliveryOutcome> answer;
    final List<Instant> attemptTimes = new CopyOnWriteArrayList<>();
    final Map<URI, Integer> calls = new ConcurrentHashMap<>();
    final List<EncodedReport> reports = new CopyOnWriteArrayList<>();
    final TestSupport.MutableClock clock;

    FakeDelivery(String scheme, TestSupport.MutableClock clock, BiFunction<URI, Integer, DeliveryOutcome> answer) {
      this.scheme = scheme;
      this.clock = clock;
      this.answer = answer;
    }

    @Override
    public boolean supports(URI rua) {
      return scheme.equalsIgnoreCase(rua.getScheme());
    }

    @Override
    public CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua) {
      int n = calls.merge(rua, 1, Integer::sum);
      attemptTimes.add(clock.instant());
      reports.add(report);
      return CompletableFuture.completedFuture(answer.apply(rua, n));
    }
  }

  static DeliveryOutcome ok(URI u, int n) {
    return new DeliveryOutcome.Delivered(u, "ok");
  }

  static DeliveryOutcome retryable(URI u, int n) {
    return new DeliveryOutcome.Failed(u, true, "busy", null);
  }

  /** Collects listener events; {@code onDelivered} lets a test act at that moment. */
  static final class Events implements ReportSchedulerListener {
    final Map<String, Instant> scheduled = new ConcurrentHashMap<>();
    final List<EncodedReport> scheduledReports = new CopyOnWriteArrayList<>();
    final Map<String, Outcome> finished = new ConcurrentHashMap<>();
    final List<Instant> retries = new CopyOnWriteArrayList<>();
    final List<Integer> retryNumbers = new CopyOnWriteArrayList<>();
    final List<URI> delivered = new CopyOnWriteArrayList<>();
    volatile Consumer<DeliveryOutcome.Delivered> onDelivered = d -> {};

    @Override
    public void scheduled(EncodedReport report, Instant sendAt) {
      scheduled.put(report.policyDomain().name(), sendAt);
      scheduledReports.add(report);
    }

    @Override
    public void delivered(EncodedReport report, DeliveryOutcome.Delivered result) {
      delivered.add(result.rua());
      onDelivered.accept(result);
    }

    @Override
    public void retryScheduled(EncodedReport report, Instant at, int attempt) {
      retries.add(at);
      retryNumbers.add(attempt);
    }

    @Override
    public void finished(EncodedReport report, Outcome outcome, String detail) {
      finished.put(report.policyDomain().name(), outcome);
    }
  }

  ReportScheduler scheduler(long seed, ReportDelivery... deliveries) {
    ReportScheduler.Builder b = ReportScheduler.builder().recorder(recorder).reporter(REPORTER).dnsLookup(dns)
        .random(new SplittableRandom(seed)).addListener(events).clock(clock);
    for (ReportDelivery d : deliveries) {
      b.addDelivery(d);
    }
    return b.build();
  }

  void traffic(String... domains) {
    for (String d : domains) {
      recorder.record(TestSupport.stsPolicy(d), SessionOutcome.success());
      recorder.record(TestSupport.stsPolicy(d), SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).build());
    }
  }

  /** Runs due work at {@code t}, with the clock set there, and waits for it. */
  void run(ReportScheduler s, Instant t) {
    clock.set(t);
    s.runDue(t).toCompletableFuture().join();
  }

  /** Runs at every due time until nothing waits; returns the run times. */
  List<Instant> drain(ReportScheduler s) {
    List<Instant> times = new ArrayList<>();
    while (s.nextDue().isPresent()) {
      Instant t = s.nextDue().get();
      times.add(t);
      run(s, t);
    }
    return times;
  }

  @Test
  void sendsEachDayAfterARandomDelayWithinTheWindow() {
    // RPT-8: the report goes out after the day ends, with random jitter, not before.
    List<String> domains = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      domains.add("d" + i + ".example");
      dns.record("_smtp._tls.d" + i + ".example", "v=TLSRPTv1; rua=https://r.example/" + i);
    }
    traffic(domains.toArray(String[]::new));
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    ReportScheduler s = scheduler(7, https);

    run(s, DAY.atTime(23, 59).toInstant(ZoneOffset.UTC));
    assertThat(s.pendingReports()).isZero(); // the day is not over yet
    run(s, DAY_END);
    assertThat(s.pendingReports()).isEqualTo(40);
    assertThat(https.calls).isEmpty(); // nothing is due at midnight
    Set<Instant> sendTimes = new HashSet<>(events.scheduled.values());
    assertThat(events.scheduled.values()).allSatisfy(t -> assertThat(t)
        .isBetween(DAY_END.plus(ReportScheduler.DEFAULT_MIN_SEND_DELAY),
            DAY_END.plus(ReportScheduler.DEFAULT_MIN_SEND_DELAY).plus(ReportScheduler.DEFAULT_MAX_SEND_JITTER)));
    assertThat(sendTimes).hasSizeGreaterThan(30); // spread out, not one burst

    List<Instant> runs = drain(s);
    assertThat(https.attemptTimes).hasSize(40);
    // Each report was sent exactly at its own scheduled time.
    assertThat(new HashSet<>(https.attemptTimes)).isEqualTo(sendTimes);
    assertThat(runs).isSorted();
    assertThat(events.finished.values()).containsOnly(Outcome.DELIVERED).hasSize(40);
    assertThat(s.pendingReports()).isZero();
    // Report ids are unique.
    assertThat(https.reports.stream().map(r -> r.report().reportId()).distinct()).hasSize(40);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("SEC-17: only the first maxRuaUris distinct supported URIs get the report")
  void theRuaUrisOfARecordAreCapped() {
    StringBuilder rua = new StringBuilder("v=TLSRPTv1; rua=mailto:r@example.com");
    for (int i = 0; i < 200; i++) {
      rua.append(",https://r.example/").append(i % 150);
    }
    dns.record("_smtp._tls.example.com", rua.toString());
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    ReportScheduler s = ReportScheduler.builder().recorder(recorder).reporter(REPORTER).dnsLookup(dns).clock(clock)
        .random(new SplittableRandom(1)).addListener(events).addDelivery(https).maxRuaUris(3).build();

    run(s, DAY_END);
    drain(s);

    // The mailto URI has no delivery here, so it neither counts nor is sent to.
    assertThat(https.calls.keySet()).containsExactlyInAnyOrder(URI.create("https://r.example/0"),
        URI.create("https://r.example/1"), URI.create("https://r.example/2"));
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
    assertThat(ReportScheduler.DEFAULT_MAX_RUA_URIS).isEqualTo(10);
    assertThatIllegalStateException().isThrownBy(() -> ReportScheduler.builder().maxRuaUris(2).maxRuaUris(3));
  }

  @Test
  void theRandomSourceDecidesTheSendTime() {
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://r.example/");
    List<Instant> times = new ArrayList<>();
    for (long seed : new long[] {1, 1, 2}) {
      TestSupport.MutableClock c = new TestSupport.MutableClock(DAY.atTime(1, 0).toInstant(ZoneOffset.UTC));
      TlsRptRecorder r = TlsRptRecorder.builder().clock(c).build();
      r.record(TestSupport.stsPolicy("example.com"), SessionOutcome.success());
      ReportScheduler s = ReportScheduler.builder().recorder(r).reporter(REPORTER).dnsLookup(dns)
          .addDelivery(new FakeDelivery("https", c, ReportSchedulerTest::ok)).random(new SplittableRandom(seed))
          .build();
      s.runDue(DAY_END).toCompletableFuture().join();
      times.add(s.nextDue().orElseThrow());
    }
    assertThat(times.get(0)).isEqualTo(times.get(1));
    assertThat(times.get(2)).isNotEqualTo(times.get(0));
  }

  @Test
  void deliversToEverySupportedRuaAndIgnoresOtherSchemes() {
    // RPT-4, RPT-5
    dns.record("_smtp._tls.example.com", "v=spf1 -all",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/tlsrpt,ftp://old.example.com/x");
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    FakeDelivery mail = new FakeDelivery("mailto", clock, ReportSchedulerTest::ok);
    ReportScheduler s = scheduler(1, https, mail);
    run(s, DAY_END);
    drain(s);
    assertThat(https.calls).containsOnlyKeys(URI.create("https://r.example.com/tlsrpt"));
    assertThat(mail.calls).containsOnlyKeys(URI.create("mailto:tlsrpt@example.com"));
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
    EncodedReport sent = https.reports.get(0);
    assertThat(mail.reports.get(0)).isEqualTo(sent); // one report, the same bytes for every endpoint
    assertThat(sent.report().totalSuccessfulSessionCount()).isEqualTo(1);
    assertThat(sent.report().totalFailureSessionCount()).isEqualTo(1);
    assertThat(sent.report().reportId()).startsWith("2026-05-04.").endsWith("@sender.example");
  }

  @Test
  void domainsWithoutExactlyOneValidRecordGetNoReport() {
    // RPT-3
    dns.record("_smtp._tls.two.example", "v=TLSRPTv1; rua=https://a.example/", "v=TLSRPTv1; rua=https://b.example/");
    dns.record("_smtp._tls.bad.example", "v=TLSRPTv1; rua=");
    dns.record("_smtp._tls.ftp.example", "v=TLSRPTv1; rua=ftp://a.example/");
    traffic("none.example", "two.example", "bad.example", "ftp.example");
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    ReportScheduler s = scheduler(3, https);
    run(s, DAY_END);
    drain(s);
    assertThat(https.calls).isEmpty();
    assertThat(events.finished).containsEntry("none.example", Outcome.NO_TLSRPT_RECORD)
        .containsEntry("two.example", Outcome.NO_TLSRPT_RECORD)
        .containsEntry("bad.example", Outcome.NO_TLSRPT_RECORD)
        .containsEntry("ftp.example", Outcome.NO_SUPPORTED_RUA);
    assertThat(s.pendingReports()).isZero();
  }

  @Test
  void retriesWithExponentialBackoffForADayThenGivesUp() {
    // RPT-27
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://r.example.com/");
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::retryable);
    ReportScheduler s = scheduler(5, https);
    run(s, DAY_END);
    drain(s);
    List<Instant> t = https.attemptTimes;
    // 5, 10, 20, ... minutes apart, all within 24 hours of the first attempt.
    assertThat(t).hasSize(9);
    for (int i = 1; i < t.size(); i++) {
      assertThat(Duration.between(t.get(i - 1), t.get(i))).isEqualTo(Duration.ofMinutes(5L << (i - 1)));
    }
    assertThat(Duration.between(t.get(0), t.get(t.size() - 1))).isLessThanOrEqualTo(Duration.ofHours(24));
    assertThat(events.finished).containsEntry("example.com", Outcome.NOT_DELIVERED);
    assertThat(events.retries).hasSize(8);
    assertThat(s.pendingReports()).isZero();
    // The DNS record was looked up once, not on every retry.
    assertThat(dns.lookups.get("_smtp._tls.example.com").get()).isEqualTo(1);
  }

  @Test
  void retriesOnlyTheEndpointsThatFailed() {
    // RPT-5: a report is delivered once some endpoint accepted it; failed endpoints are retried.
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://good.example/,https://flaky.example/");
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock,
        (u, n) -> u.getHost().equals("flaky.example") && n < 3 ? retryable(u, n) : ok(u, n));
    ReportScheduler s = scheduler(5, https);
    run(s, DAY_END);
    drain(s);
    assertThat(https.calls).containsEntry(URI.create("https://good.example/"), 1)
        .containsEntry(URI.create("https://flaky.example/"), 3);
    assertThat(events.delivered).hasSize(2);
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
  }

  @Test
  void permanentFailuresAreNotRetried() {
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://gone.example/");
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock, (u, n) -> new DeliveryOutcome.Failed(u, false, "404", null));
    ReportScheduler s = scheduler(5, https);
    run(s, DAY_END);
    drain(s);
    assertThat(https.attemptTimes).hasSize(1);
    assertThat(events.finished).containsEntry("example.com", Outcome.NOT_DELIVERED);
  }

  @Test
  void temporaryDnsFailuresAreRetried() {
    traffic("example.com");
    String name = "_smtp._tls.example.com";
    dns.txt.put(name, new DnsOutcome.TemporaryFailure<>(name, DnsFailure.TIMEOUT, "timeout", null));
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    ReportScheduler s = scheduler(5, https);
    run(s, DAY_END);
    run(s, s.nextDue().orElseThrow());
    assertThat(https.calls).isEmpty();
    assertThat(events.retries).hasSize(1);
    dns.record(name, "v=TLSRPTv1; rua=https://r.example/");
    drain(s);
    assertThat(https.calls).hasSize(1);
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
  }

  @Test
  void deliveriesThatThrowAreTreatedAsRetryableFailures() {
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://r.example/");
    traffic("example.com");
    FakeDelivery https = new FakeDelivery("https", clock, (u, n) -> {
      if (n == 1) {
        throw new IllegalStateException("bug");
      }
      return ok(u, n);
    });
    ReportScheduler s = scheduler(5, https);
    run(s, DAY_END);
    drain(s);
    assertThat(https.calls.get(URI.create("https://r.example/"))).isEqualTo(2);
    assertThat(events.finished).containsEntry("example.com", Outcome.DELIVERED);
  }

  @Test
  void startRunsOnTheGivenExecutor() throws Exception {
    dns.record("_smtp._tls.example.com", "v=TLSRPTv1; rua=https://r.example/");
    traffic("example.com");
    clock.set(DAY_END.plus(Duration.ofDays(1))); // long past the send time
    FakeDelivery https = new FakeDelivery("https", clock, ReportSchedulerTest::ok);
    ScheduledExecutorService ses = new ScheduledThreadPoolExecutor(1);
    try {
      CompletableFuture<Void> done = new CompletableFuture<>();
      ReportScheduler s = ReportScheduler.builder().recorder(recorder).reporter(REPORTER).dnsLookup(dns)
          .addDelivery(https).clock(clock).addListener(new ReportSchedulerListener() {
            @Override
            public void finished(EncodedReport report, Outcome outcome, String detail) {
              done.complete(null);
            }
          }).build();
      var task = s.start(ses, Duration.ofMillis(10));
      done.get(30, TimeUnit.SECONDS);
      task.cancel(false);
      assertThat(https.calls).hasSize(1);
    } finally {
      ses.shutdownNow();
    }
  }

  @Test
  void builderNeedsItsParts() {
    assertThatIllegalStateException().isThrownBy(
        () -> ReportScheduler.builder().recorder(recorder).reporter(REPORTER).dnsLookup(dns).build());
    assertThatIllegalStateException().isThrownBy(() -> ReportScheduler.builder().retry(Duration.ofMinutes(1),
        Duration.ofHours(1)).retry(Duration.ofMinutes(1), Duration.ofHours(1)));
  }
}
