package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A month of simulated traffic to many domains from many threads, with a deterministic random
 * seed: every report the scheduler delivers is parsed back, and its counts must equal, exactly,
 * what the threads recorded per day, domain, policy and failure detail.
 */
class MonthOfTrafficTest {
  static final LocalDate FIRST = LocalDate.of(2026, 4, 1);
  static final int DAYS = 30;
  static final int DOMAINS = 120;
  static final int THREADS = 8;
  static final int SESSIONS_PER_THREAD_PER_DAY = 4_000;
  static final long SEED = 20260401L;

  static final TlsRptResultType[] FAILURES = {TlsRptResultType.CERTIFICATE_EXPIRED,
      TlsRptResultType.CERTIFICATE_HOST_MISMATCH, TlsRptResultType.STARTTLS_NOT_SUPPORTED,
      TlsRptResultType.CERTIFICATE_NOT_TRUSTED};

  /** What one session counts towards: a failure detail, or the successes when {@code failure} is null. */
  record Key(LocalDate day, ReportPolicy policy, SessionOutcome.@Nullable Failure failure) {}

  static String domain(int i) {
    return "d" + i + ".example";
  }

  /** The policy a domain has on a day: sts (changing mid-month for some), tlsa, or none. */
  static ReportPolicy policy(int domain, int day) {
    PolicyDomain d = PolicyDomain.of(domain(domain));
    if (domain % 10 == 0) {
      return ReportPolicy.noPolicyFound(d);
    }
    if (domain % 10 == 1) {
      return ReportPolicy.tlsa(d, List.of("3 1 1 " + Integer.toHexString(0xabc000 + domain)));
    }
    String mode = domain % 3 == 0 && day >= 15 ? "enforce" : "testing";
    String body = "version: STSv1\nmode: " + mode + "\nmx: mx1." + d + "\nmx: *.backup." + d + "\nmax_age: 604800\n";
    return ReportPolicy.sts(d, MtaStsPolicy.parse(body), body);
  }

  static SessionOutcome outcome(SplittableRandom r, int domain) {
    if (r.nextInt(10) < 9) {
      return SessionOutcome.success();
    }
    int mx = r.nextInt(3);
    return SessionOutcome.failure(FAILURES[r.nextInt(FAILURES.length)])
        .sendingMtaIp("2001:db8::" + (1 + r.nextInt(2)))
        .receivingMxHostname(mx == 0 ? "mx1." + domain(domain) : "mx" + mx + ".backup." + domain(domain))
        .receivingIp("192.0.2." + (10 + mx))
        .build();
  }

  /** The policies of every domain on every day, built once as a resolver would cache them. */
  static final ReportPolicy[][] POLICIES = new ReportPolicy[DAYS][DOMAINS];

  static {
    for (int day = 0; day < DAYS; day++) {
      for (int d = 0; d < DOMAINS; d++) {
        POLICIES[day][d] = policy(d, day);
      }
    }
  }

  /** One thread's share of one day; returns what it recorded. */
  static Map<Key, Long> simulate(TlsRptRecorder recorder, int day, int thread) {
    SplittableRandom r = new SplittableRandom(SEED + 1_000L * day + thread);
    LocalDate date = FIRST.plusDays(day);
    Map<Key, Long> counts = new HashMap<>();
    for (int i = 0; i < SESSIONS_PER_THREAD_PER_DAY; i++) {
      // Skewed: low-numbered domains get more mail.
      int domain = (int) Math.min(DOMAINS - 1, Math.abs(r.nextGaussian()) * DOMAINS / 3);
      ReportPolicy p;
      SessionOutcome o;
      if (domain % 7 == 2 && r.nextInt(5) == 0) {
        // Some policy fetches fail: a second policy of the same domain in the same report (RPT-7, APP-7).
        p = ReportPolicy.stsWithoutPolicy(PolicyDomain.of(domain(domain)));
        o = SessionOutcome.failure(TlsRptResultType.STS_POLICY_FETCH_ERROR).failureReasonCode("timeout").build();
      } else {
        p = POLICIES[day][domain];
        o = outcome(r, domain);
      }
      recorder.record(p, o);
      counts.merge(new Key(date, p, o instanceof SessionOutcome.Failure f ? f : null), 1L, Long::sum);
    }
    return counts;
  }

  static final class CapturingDelivery implements ReportDelivery {
    final List<EncodedReport> received = new CopyOnWriteArrayList<>();

    @Override
    public boolean supports(URI rua) {
      return "https".equals(rua.getScheme());
    }

    @Override
    public CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua) {
      received.add(report);
      return CompletableFuture.completedFuture(new DeliveryOutcome.Delivered(rua, "HTTP 200"));
    }
  }

  @Test
  @Timeout(300)
  void aMonthAcrossManyDomainsAggregatesToExactCounts() throws Exception {
    TestSupport.MutableClock clock = new TestSupport.MutableClock(FIRST.atStartOfDay().toInstant(ZoneOffset.UTC));
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    TestSupport.FakeDns dns = new TestSupport.FakeDns();
    for (int i = 0; i < DOMAINS; i++) {
      dns.record("_smtp._tls." + domain(i), "v=TLSRPTv1; rua=https://reports.example/" + i);
    }
    CapturingDelivery delivery = new CapturingDelivery();
    ReportScheduler scheduler = ReportScheduler.builder().recorder(recorder)
        .reporter(new ReporterIdentity("Simulated Sender", "tlsrpt@sender.example")).dnsLookup(dns)
        .addDelivery(delivery).random(new SplittableRandom(SEED)).build();

    Map<Key, Long> expected = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (int day = 0; day < DAYS; day++) {
        LocalDate date = FIRST.plusDays(day);
        clock.set(date.atTime(12, 0).toInstant(ZoneOffset.UTC));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<Key, Long>>> parts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          int d = day;
          parts.add(pool.submit(() -> {
            start.await();
            return simulate(recorder, d, thread);
          }));
        }
        start.countDown();
        // Meanwhile the scheduler closes yesterday and sends what is due, concurrently with today's traffic.
        scheduler.runDue(date.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(6 * 3600))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        for (Future<Map<Key, Long>> f : parts) {
          f.get(60, TimeUnit.SECONDS).forEach((k, v) -> expected.merge(k, v, Long::sum));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // Close the last day and send everything.
    scheduler.runDue(FIRST.plusDays(DAYS + 1).atStartOfDay().toInstant(ZoneOffset.UTC))
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(scheduler.pendingReports()).isZero();

    RecorderStats stats = recorder.stats();
    assertThat(stats.recordedSessions()).isEqualTo((long) DAYS * THREADS * SESSIONS_PER_THREAD_PER_DAY);
    assertThat(stats.lateSessions()).isZero();
    assertThat(stats.sessionsOverDetailLimit()).isZero();
    assertThat(stats.sessionsOverPolicyLimit()).isZero();
    assertThat(stats.discardedSessions()).isZero();

    // Parse every delivered report back and add up what it says.
    ReportParser parser = ReportParser.builder().build();
    Map<Key, Long> actual = new HashMap<>();
    Map<LocalDate, Integer> reportsPerDay = new HashMap<>();
    for (EncodedReport e : delivery.received) {
      ReportParseOutcome.Parsed parsed = (ReportParseOutcome.Parsed) parser.parse(e.content());
      assertThat(parsed.warnings()).isEmpty();
      TlsRptReport report = parsed.report();
      LocalDate day = LocalDate.ofInstant(report.dateRange().start(), ZoneOffset.UTC);
      assertThat(report.dateRange()).isEqualTo(DateRange.utcDay(day));
      reportsPerDay.merge(day, 1, Integer::sum);
      for (PolicyReport p : report.policies()) {
        assertThat(p.policy().policyDomain()).isEqualTo(e.policyDomain().name());
        long failures = 0;
        if (p.totalSuccessfulSessionCount() > 0) {
          actual.merge(new Key(day, p.policy(), null), p.totalSuccessfulSessionCount(), Long::sum);
        }
        for (FailureDetail d : p.failureDetails()) {
          SessionOutcome.Failure f = new SessionOutcome.Failure(TlsRptResultType.fromToken(d.resultType()),
              d.sendingMtaIp(), d.receivingMxHostname(), d.receivingMxHelo(), d.receivingIp(),
              d.failureReasonCode(), d.additionalInformation());
          actual.merge(new Key(day, p.policy(), f), d.failedSessionCount(), Long::sum);
          failures += d.failedSessionCount();
        }
        assertThat(failures).isEqualTo(p.totalFailureSessionCount());
      }
    }
    assertThat(reportsPerDay).hasSize(DAYS);
    // One report per domain with traffic per day: exactly as many as distinct (day, domain) pairs.
    long pairs = expected.keySet().stream().map(k -> k.day() + " " + k.policy().policyDomain()).distinct().count();
    assertThat(delivery.received).hasSize((int) pairs);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(stats.recordedSessions());
  }
}
