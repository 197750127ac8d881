package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.SmtpProbe;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.MonitorScheduler;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seven simulated weeks of one domain against real servers on loopback: knotd serves the zone,
 * an HTTPS policy host presents a test-CA certificate that is left to expire and then rotated,
 * and STARTTLS MX hosts come, change and lose STARTTLS, one of them letting its certificate
 * expire and then rotating it too early. The owner changes the deployment between daily rounds
 * (each change restarts the fake domain with its new zone and servers); the manual clock moves the
 * days, and the fetcher and the probe validate certificates at the manual clock's time
 * ({@link TestPki#trustManager(java.time.InstantSource)}), so an expired certificate really fails
 * the TLS handshake or the PKIX check on the simulated day, as it would for senders. Every alert
 * fires exactly once per transition, and every condition resolves.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MonitorScenarioIT {
  static final String D = "watch.test";
  static final String MX1 = "mx1." + D;
  static final String MX2 = "mx2." + D;

  @TempDir
  Path dir;

  final TestPki pki = TestPki.create();
  final Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12));
  final ManualClock clock = ManualClock.at(start);
  final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r,
      "monitor-deadlines"));
  /** The simulated day of the round running, and what the real fetches and probes returned on each day. */
  final AtomicInteger today = new AtomicInteger();
  final Map<Integer, PolicyFetchOutcome> fetches = new ConcurrentHashMap<>();
  final Map<String, SmtpProbeOutcome> probes = new ConcurrentHashMap<>();
  /**
   * Expires half a day before the round of day 40. PKIX counts notAfter itself as valid (RFC 5280
   * §4.1.2.5), so a certificate ending exactly at a round's instant would still pass that round's
   * real handshake; the thresholds (30, 14, 7, 1 days) are crossed on the same days as with an end
   * on day 40 exactly.
   */
  final Instant policyExpiry = start.plus(Duration.ofDays(39)).plus(Duration.ofHours(12));
  /**
   * What the owner deploys; each change is brought up as a new fake domain. The fetcher and the
   * probe validate certificates at the scenario's clock: from the simulated day a certificate
   * expires, its TLS handshake (the fetch) or PKIX check (the probe) really fails.
   */
  final ScenarioDeployment site = new ScenarioDeployment(D, pki, clock, pki.trustManager(clock),
      "version: STSv1\nmode: enforce\nmx: " + MX1 + "\nmax_age: 604800\n",
      pki.leaf().dnsNames("mta-sts." + D).validity(start.minus(Duration.ofDays(50)), policyExpiry).issue());

  @AfterEach
  void stop() {
    site.close();
    timers.shutdownNow();
  }

  /** The checker, recording what each day's real fetch and probes returned. */
  MtaStsChecker checker() {
    PolicyFetcher fetcher = site.policyFetcher();
    SmtpProbe probe = site.smtpProbe();
    return site.checker(domain -> fetcher.fetch(domain).thenApply(o -> {
      fetches.put(today.get(), o);
      return o;
    }), host -> probe.probe(host).thenApply(o -> {
      probes.put(today.get() + " " + host, o);
      return o;
    }));
  }

  @Test
  @DisplayName("MON-27, MON-28, MON-30, MON-4, MON-6, MON-7, MON-8, MON-9, MON-11, MON-12, MON-16, MON-18, MON-1, "
      + "MON-21, MON-14, MON-15, MON-47, MON-48: seven weeks of real servers, certificates validated on the simulated "
      + "day, every alert once per transition, every condition resolved")
  void sevenWeeksOfChangesAgainstRealServers() throws IOException {
    // mx1's certificate ends between the rounds of days 33 and 34; its owner rotates it on day 36.
    site.mx.put(MX1, pki.leaf().dnsNames(MX1).validity(start.minus(Duration.ofDays(10)),
        start.plus(Duration.ofDays(33)).plus(Duration.ofHours(6))).issue().serverContext());
    site.deploy();
    List<Alert> alerts = new CopyOnWriteArrayList<>();
    List<String> timeline = new ArrayList<>();
    try (MtaStsMonitor monitor = MtaStsMonitor.builder().checker(checker()).domains(List.of(PolicyDomain.of(D)))
        .stateDirectory(dir).scheduler(MonitorScheduler.of(timers)).clock(clock).failuresBeforeAlert(2)
        .reminder(Duration.ofDays(365)).checkDeadline(Duration.ofSeconds(60)).addSink(a -> {
          alerts.add(a);
          return java.util.concurrent.CompletableFuture.completedStage(null);
        }).build()) {
      for (int day = 0; day <= 49; day++) {
        today.set(day);
        switch (day) {
          case 6 -> { // a new MX host, the policy not updated
            site.mx.put(MX2, pki.leaf().dnsNames(MX2).validity(start, start.plus(Duration.ofDays(400))).issue()
                .serverContext());
            site.deploy();
          }
          case 7 -> { // the policy fixed, but the id forgotten
            site.policy = site.policy.replace("max_age", "mx: " + MX2 + "\nmax_age");
            site.deploy();
          }
          case 8 -> { // the id published
            site.stsRecord = "v=STSv1; id=2";
            site.deploy();
          }
          case 36 -> { // mx1's expired certificate renewed, but issued to start in the evening: not valid yet today
            site.mx.put(MX1, pki.leaf().dnsNames(MX1).validity(start.plus(Duration.ofDays(36))
                .plus(Duration.ofHours(6)), start.plus(Duration.ofDays(400))).issue().serverContext());
            site.deploy();
          }
          case 42 -> { // the expired policy certificate finally renewed
            site.policyCert = pki.leaf().dnsNames("mta-sts." + D).validity(start.minus(Duration.ofDays(1)),
                start.plus(Duration.ofDays(130))).issue();
            site.deploy();
          }
          case 43 -> { // an MTA upgrade loses STARTTLS on mx2
            site.mx.put(MX2, null);
            site.deploy();
          }
          case 44 -> { // STARTTLS back, with a new certificate
            site.mx.put(MX2, pki.leaf().dnsNames(MX2).validity(start, start.plus(Duration.ofDays(400))).issue()
                .serverContext());
            site.deploy();
          }
          case 45 -> { // a DNS migration drops both TXT records
            site.stsRecord = null;
            site.tlsRptRecord = null;
            site.deploy();
          }
          case 46 -> {
            site.stsRecord = "v=STSv1; id=2";
            site.tlsRptRecord = "v=TLSRPTv1; rua=mailto:tlsrpt@" + D;
            site.deploy();
          }
          case 47 -> { // the policy host fails for two days
            site.policyHostUp = false;
            site.deploy();
          }
          case 49 -> {
            site.policyHostUp = true;
            site.deploy();
          }
          default -> { }
        }
        int before = alerts.size();
        monitor.runOnce().toCompletableFuture().join();
        for (Alert a : alerts.subList(before, alerts.size())) {
          timeline.add("day " + day + " " + a.status() + " " + a.code() + " " + a.subject());
        }
        clock.advance(Duration.ofDays(1));
      }
      // The real connections on the days a certificate crossed its dates (MON-47, MON-48): the TLS
      // handshake of the fetch, and the probe's PKIX check of the chain mx1 presented over STARTTLS,
      // failed at the simulated time, as senders' would on that day, not only the monitor's date arithmetic.
      assertThat(fetches.get(39)).isInstanceOf(PolicyFetchOutcome.Fetched.class);
      for (int day : new int[] {40, 41}) {
        assertThat(fetches.get(day)).as("the policy fetch on day %d", day)
            .isInstanceOfSatisfying(PolicyFetchOutcome.Failed.class, f -> {
              assertThat(f.reason()).isEqualTo(FetchFailure.CERTIFICATE_EXPIRED);
              assertThat(f.message()).contains("expired");
              assertThat(f.certificate()).isNotNull();
              assertThat(f.certificate().notAfter()).isEqualTo(policyExpiry);
            });
      }
      assertThat(fetches.get(42)).isInstanceOf(PolicyFetchOutcome.Fetched.class);
      assertThat(pkixVerdict(33, MX1)).isNull();
      for (int day : new int[] {34, 35}) {
        assertThat(pkixVerdict(day, MX1)).as("mx1 on day %d", day).isNotNull()
            .extracting(TlsFailure::resultType, TlsFailure::reasonCode)
            .containsExactly(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED");
      }
      assertThat(pkixVerdict(36, MX1)).as("mx1 on day 36").isNotNull()
          .extracting(TlsFailure::resultType, TlsFailure::reasonCode)
          .containsExactly(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_NOT_YET_VALID");
      assertThat(pkixVerdict(37, MX1)).isNull();
      assertThat(timeline).containsExactlyInAnyOrder(
          // mx1's certificate: each threshold once, expired when the real PKIX check refuses it, kept open
          // on day 36 while the renewed certificate is refused as not yet valid (MON-48), resolved on day 37.
          "day 4 FIRING MX_CERT_EXPIRING " + MX1,
          "day 20 FIRING MX_CERT_EXPIRING " + MX1,
          "day 27 FIRING MX_CERT_EXPIRING " + MX1,
          "day 33 FIRING MX_CERT_EXPIRING " + MX1,
          "day 34 FIRING MX_CERT_EXPIRED " + MX1,
          "day 34 RESOLVED MX_CERT_EXPIRING " + MX1,
          "day 36 NOTICE MX_CERT_CHANGED " + MX1,
          "day 37 RESOLVED MX_CERT_EXPIRED " + MX1,
          "day 6 FIRING MX_NOT_COVERED " + MX2,
          "day 6 NOTICE MX_CHANGED " + D,
          "day 7 FIRING POLICY_CHANGED_WITHOUT_NEW_ID _mta-sts." + D,
          "day 7 RESOLVED MX_NOT_COVERED " + MX2,
          "day 8 RESOLVED POLICY_CHANGED_WITHOUT_NEW_ID _mta-sts." + D,
          "day 10 FIRING POLICY_CERT_EXPIRING mta-sts." + D,
          "day 26 FIRING POLICY_CERT_EXPIRING mta-sts." + D,
          "day 33 FIRING POLICY_CERT_EXPIRING mta-sts." + D,
          "day 39 FIRING POLICY_CERT_EXPIRING mta-sts." + D,
          "day 40 FIRING POLICY_CERT_EXPIRED mta-sts." + D,
          "day 40 RESOLVED POLICY_CERT_EXPIRING mta-sts." + D,
          "day 42 RESOLVED POLICY_CERT_EXPIRED mta-sts." + D,
          "day 42 NOTICE POLICY_CERT_CHANGED mta-sts." + D,
          "day 43 FIRING MX_STARTTLS_GONE " + MX2,
          "day 44 RESOLVED MX_STARTTLS_GONE " + MX2,
          "day 44 NOTICE MX_CERT_CHANGED " + MX2,
          "day 45 FIRING STS_RECORD_GONE _mta-sts." + D,
          "day 45 FIRING TLSRPT_RECORD_GONE _smtp._tls." + D,
          "day 46 RESOLVED STS_RECORD_GONE _mta-sts." + D,
          "day 46 RESOLVED TLSRPT_RECORD_GONE _smtp._tls." + D,
          "day 48 FIRING POLICY_UNREACHABLE mta-sts." + D,
          "day 49 RESOLVED POLICY_UNREACHABLE mta-sts." + D);
      // Every condition that fired resolved; every code seen fired or noticed exactly as often as it changed.
      Map<AlertCode, Long> fired = alerts.stream().filter(a -> a.status() == AlertStatus.FIRING)
          .collect(Collectors.groupingBy(Alert::code, Collectors.counting()));
      Set<AlertCode> resolved = alerts.stream().filter(a -> a.status() == AlertStatus.RESOLVED).map(Alert::code)
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(AlertCode.class)));
      assertThat(resolved).containsAll(fired.keySet());
      assertThat(monitor.runOnce().toCompletableFuture().join().open()).isEmpty();
    }
  }

  /** The PKIX verdict of the probe of {@code host} on {@code day}, which must have completed its handshake. */
  @Nullable TlsFailure pkixVerdict(int day, String host) {
    SmtpProbeOutcome o = probes.get(day + " " + host);
    assertThat(o).as("the probe of %s on day %d", host, day).isInstanceOf(SmtpProbeOutcome.Completed.class);
    return ((SmtpProbeOutcome.Completed) o).pkixFailure();
  }
}
