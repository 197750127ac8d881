package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One domain behind fakes, a manual clock and scheduler, and a sink that keeps every alert. */
final class MonitorFixture {
  static final String DOMAIN = "example.com";
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800\n";

  final ManualClock clock = ManualClock.at(T0);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final FakeDnsLookup dns = FakeDnsLookup.create();
  final FakePolicyFetcher fake = FakePolicyFetcher.create();
  final Map<String, SmtpProbeOutcome> probes = new ConcurrentHashMap<>();
  final Map<String, CertificateSummary> mxCerts = new ConcurrentHashMap<>();
  final List<Alert> received = new CopyOnWriteArrayList<>();
  volatile CertificateSummary policyCert = cert("mta-sts.example.com", T0.plus(Duration.ofDays(90)), "p1");
  final Path stateDir;

  MonitorFixture(Path stateDir) {
    this.stateDir = stateDir;
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
    dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
    dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx2.example.com"));
    fake.serve(DOMAIN, ENFORCE);
    mxCerts.put("mx1.example.com", cert("mx1.example.com", T0.plus(Duration.ofDays(90)), "m1"));
    mxCerts.put("mx2.example.com", cert("mx2.example.com", T0.plus(Duration.ofDays(90)), "m2"));
  }

  static CertificateSummary cert(String name, Instant notAfter, String fingerprint) {
    return new CertificateSummary("CN=" + name, "CN=Test CA", List.of(name), T0.minus(Duration.ofDays(30)), notAfter,
        fingerprint);
  }

  /** The fake fetcher, with the policy host presenting {@link #policyCert}. */
  PolicyFetcher fetcher() {
    return d -> fake.fetch(d).thenApply(o -> o instanceof PolicyFetchOutcome.Fetched f
        ? new PolicyFetchOutcome.Fetched(f.uri(), f.body(), f.policy(), f.warnings(), f.status(), f.contentType(),
            f.elapsed(), policyCert)
        : o instanceof PolicyFetchOutcome.Failed failed && failed.certificate() != null
            ? failed.withCertificate(policyCert) : o);
  }

  MtaStsChecker checker() {
    return MtaStsChecker.builder().dnsLookup(dns).policyFetcher(fetcher())
        .smtpProbe(host -> CompletableFuture.completedStage(probes.getOrDefault(host, completed(host))))
        .clock(clock).build();
  }

  /** A completed handshake presenting the host's certificate in {@link #mxCerts}, or unreachable without one. */
  SmtpProbeOutcome completed(String host) {
    CertificateSummary c = mxCerts.get(host);
    return c == null ? new SmtpProbeOutcome.Unreachable(host, "connection refused")
        : new SmtpProbeOutcome.Completed(host, "TLSv1.3", List.of(c), null);
  }

  MtaStsMonitor monitor() {
    return monitor(b -> { });
  }

  MtaStsMonitor monitor(Consumer<MtaStsMonitor.Builder> options) {
    MtaStsMonitor.Builder b = MtaStsMonitor.builder().checker(checker()).domains(List.of(PolicyDomain.of(DOMAIN)))
        .stateDirectory(stateDir).scheduler(scheduler).clock(clock).addSink(a -> {
          received.add(a);
          return CompletableFuture.completedStage(null);
        });
    options.accept(b);
    return b.build();
  }

  /** Runs one round and returns the alerts it sent. */
  static List<Alert> round(MtaStsMonitor m) {
    return m.runOnce().toCompletableFuture().join().alerts();
  }

  /** The alerts as "STATUS CODE subject" lines, for compact assertions. */
  static List<String> lines(List<Alert> alerts) {
    List<String> out = new ArrayList<>();
    for (Alert a : alerts) {
      out.add(a.status() + " " + a.code() + " " + a.subject());
    }
    return out;
  }
}
