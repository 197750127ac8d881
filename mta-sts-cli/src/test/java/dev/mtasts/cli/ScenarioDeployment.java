package dev.mtasts.cli;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.AddressResolver;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.SmtpProbe;
import dev.mtasts.probe.SocketSmtpProbe;
import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * One watched domain as an owner deploys it, on real loopback servers (knotd, an HTTPS policy
 * host, STARTTLS MX hosts), for monitor scenarios over simulated days: the test edits the fields
 * between rounds and calls {@link #deploy()}, which brings the new deployment up as a new
 * {@link FakeDomain}; {@link #checker()} always talks to the current one, as a real checker talks
 * to the Internet.
 */
final class ScenarioDeployment implements AutoCloseable {
  final String domain;
  final TestPki pki;
  final ManualClock clock;
  /** Validates the policy host's and the MX hosts' chains. */
  final X509ExtendedTrustManager trust;

  String policy;
  @Nullable String stsRecord = "v=STSv1; id=1";
  @Nullable String tlsRptRecord;
  /** The policy host answers 200 with the policy, or 503 with nothing. */
  boolean policyHostUp = true;
  TestPki.Issued policyCert;
  /** MX hosts in preference order, each with its STARTTLS context, or {@code null} for no STARTTLS. */
  final Map<String, @Nullable SSLContext> mx = new LinkedHashMap<>();
  /** Extra zone lines, names relative to the domain. */
  final List<String> records = new ArrayList<>();
  /** Serve the zone of another domain, so that every lookup of this one is refused. */
  boolean dnsRefuses;

  private final AtomicReference<Running> current = new AtomicReference<>();

  private record Running(FakeDomain domain, DnsjavaLookup dns, HttpPolicyFetcher fetcher, SocketSmtpProbe probe) {}

  ScenarioDeployment(String domain, TestPki pki, ManualClock clock, X509ExtendedTrustManager trust, String policy,
      TestPki.Issued policyCert) {
    this.domain = domain;
    this.pki = pki;
    this.clock = clock;
    this.trust = trust;
    this.policy = policy;
    this.policyCert = policyCert;
    this.tlsRptRecord = "v=TLSRPTv1; rua=mailto:tlsrpt@" + domain;
  }

  /** Brings the deployment as described up, and the previous one down. */
  void deploy() throws IOException {
    FakeDomain.Builder b = FakeDomain.builder(dnsRefuses ? "elsewhere.test" : domain, pki).stsRecord(stsRecord)
        .tlsRptRecord(tlsRptRecord).policyCertificate(policyCert);
    byte[] body = policy.getBytes(StandardCharsets.UTF_8);
    b.policyHandler(PolicyHost.respond(policyHostUp ? 200 : 503, "text/plain", policyHostUp ? body : new byte[0]));
    if (!dnsRefuses) {
      int preference = 10;
      for (Map.Entry<String, @Nullable SSLContext> e : mx.entrySet()) {
        b.mx(preference, e.getKey(), e.getValue());
        preference += 10;
      }
      records.forEach(b::record);
    }
    FakeDomain d = b.start();
    DnsjavaLookup dns = DnsjavaLookup.builder().servers(d.dnsServer()).deadline(Duration.ofSeconds(10)).build();
    HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder().port(d.httpsPort())
        .addressResolver(AddressResolver.from(dns)).trustManager(trust).deadline(Duration.ofSeconds(10)).build();
    // Without MX hosts (the zone of another domain) no SMTP server runs; nothing will be probed.
    SocketSmtpProbe probe = SocketSmtpProbe.builder().port(d.smtpPort() == 0 ? 25 : d.smtpPort()).dnsLookup(dns).trustManager(trust)
        .deadline(Duration.ofSeconds(10)).build();
    Running old = current.getAndSet(new Running(d, dns, fetcher, probe));
    if (old != null) {
      old.domain().close();
    }
  }

  /** A checker that talks to whichever deployment is current, as a real checker talks to the Internet. */
  MtaStsChecker checker() {
    return checker(policyFetcher(), smtpProbe());
  }

  /**
   * A checker on this deployment's DNS with the given fetcher and probe, such as
   * {@link #policyFetcher()} and {@link #smtpProbe()} wrapped to record what they returned.
   */
  MtaStsChecker checker(PolicyFetcher fetcher, SmtpProbe probe) {
    return MtaStsChecker.builder().dnsLookup(dnsLookup()).policyFetcher(fetcher).smtpProbe(probe).clock(clock).build();
  }

  /** DNS through the current deployment's knotd. */
  DnsLookup dnsLookup() {
    return new DnsLookup() {
      @Override
      public CompletionStage<DnsOutcome<String>> txt(String name) {
        return running().dns().txt(name);
      }

      @Override
      public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
        return running().dns().mx(name);
      }

      @Override
      public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
        return running().dns().addresses(host);
      }
    };
  }

  /** Fetches from the current deployment's policy host. */
  PolicyFetcher policyFetcher() {
    return (PolicyDomain d) -> running().fetcher().fetch(d);
  }

  /** Probes the current deployment's MX hosts. */
  SmtpProbe smtpProbe() {
    return host -> running().probe().probe(host);
  }

  private Running running() {
    Running r = current.get();
    if (r == null) {
      throw new IllegalStateException("deploy() first");
    }
    return r;
  }

  @Override
  public void close() {
    Running r = current.getAndSet(null);
    if (r != null) {
      r.domain().close();
    }
  }
}
