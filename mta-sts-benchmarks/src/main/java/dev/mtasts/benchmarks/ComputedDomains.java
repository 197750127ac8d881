package dev.mtasts.benchmarks;

import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DNS and policy host for the synthetic domains of {@link BenchDomains}, computed from the name
 * on every call and holding no per-domain state.
 *
 * <p>The fakes of {@code mta-sts-testing} keep a copy of every configured answer and remember
 * the {@code PolicyDomain} objects they were asked about, so a heap measurement of a resolver
 * built on them would mix their memory with the resolver's; with this class, everything that
 * grows with the number of domains belongs to the resolver and its store.
 */
public final class ComputedDomains implements DnsLookup, PolicyFetcher {
  private static final String STS_PREFIX = "_mta-sts.";
  private static final CertificateSummary CERTIFICATE = new CertificateSummary("CN=computed policy host",
      "CN=computed CA", List.of(), Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"), "");

  /** Creates the lookup and fetcher. */
  public ComputedDomains() {}

  @Override
  public CompletionStage<DnsOutcome<String>> txt(String name) {
    int i = name.startsWith(STS_PREFIX) ? BenchDomains.indexOf(name.substring(STS_PREFIX.length())) : -1;
    DnsOutcome<String> outcome = i < 0 ? new DnsOutcome.NoSuchName<>(name)
        : new DnsOutcome.Records<>(name, List.of(BenchDomains.STS_RECORD), List.of());
    return CompletableFuture.completedStage(outcome);
  }

  @Override
  public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
    int i = BenchDomains.indexOf(name);
    DnsOutcome<MxRecord> outcome = i < 0 ? new DnsOutcome.NoSuchName<>(name)
        : new DnsOutcome.Records<>(name, List.of(new MxRecord(10, "mx1." + name), new MxRecord(20, "mx2." + name)),
            List.of());
    return CompletableFuture.completedStage(outcome);
  }

  /**
   * Answers every host directly under a synthetic domain (its MX and policy hosts) with one
   * documentation address (RFC 5737); other names do not exist.
   */
  @Override
  public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
    int dot = host.indexOf('.');
    DnsOutcome<InetAddress> outcome = dot < 0 || BenchDomains.indexOf(host.substring(dot + 1)) < 0
        ? new DnsOutcome.NoSuchName<>(host)
        : new DnsOutcome.Records<>(host, List.of(address(host)), List.of());
    return CompletableFuture.completedStage(outcome);
  }

  private static InetAddress address(String host) {
    try {
      return InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }

  @Override
  public CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
    int i = BenchDomains.indexOf(domain.name());
    if (i < 0) {
      throw new IllegalArgumentException("not a synthetic domain: " + domain);
    }
    byte[] body = BenchDomains.policy(i).getBytes(StandardCharsets.UTF_8);
    // Parsed leniently, as the HTTPS fetcher reads what it receives.
    LenientPolicy read = MtaStsPolicy.parseLenient(body);
    return CompletableFuture.completedStage(new PolicyFetchOutcome.Fetched(domain.policyUri(), body, read.policy(),
        read.warnings(), 200, "text/plain", Duration.ZERO, CERTIFICATE));
  }
}
