package dev.mtasts.resolver.delivery;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DaneDetector} that asks the DNS: is the domain's MX RRset DNSSEC-authenticated, and
 * does at least one of its MX hosts publish authenticated, usable TLSA records at
 * {@code _25._tcp.<host>} (RFC 7672 §2.2)? It needs a {@link DnsLookup} that authenticates
 * answers ({@link DnsLookup#mxDnssec(String)}, {@link DnsLookup#tlsa(String, int)}); on one that
 * does not (the defaults of the SPI, or {@code DnsjavaLookup} configured without DNSSEC) every
 * domain is {@link DomainDane#ABSENT}, so DANE never takes precedence and MTA-STS applies.
 *
 * <pre>{@code
 * DaneDetector dane = DnsDaneDetector.builder(dns)   // a DnsLookup that validates
 *     .deadline(Duration.ofSeconds(10))
 *     .executor(executor)
 *     .build();
 * dane.detect(PolicyDomain.of("example.com")).thenAccept(state -> ...);
 * }</pre>
 *
 * <h2>Decision (RFC 7672 §2.2.1, §2.2.2, §3.1; RFC 8461 §2)</h2>
 * <ol>
 *   <li>MX lookup failed, timed out, or bogus ({@code DNSSEC_BOGUS}): {@link DomainDane#UNKNOWN}.
 *       A bogus MX RRset is never read as "no DANE": that is what an attacker stripping
 *       signatures would want.
 *   <li>MX answer not authenticated (unsigned zone, insecure delegation, or a lookup that does no
 *       DNSSEC): {@link DomainDane#ABSENT}. RFC 7672 §2.2.1: with an insecure MX RRset the MX
 *       host names cannot be trusted, so DANE does not apply.
 *   <li>Authenticated NXDOMAIN, or only a null MX (RFC 7505): {@link DomainDane#ABSENT}; the
 *       domain takes no mail.
 *   <li>Authenticated NODATA (no MX RRset): the implicit MX (RFC 5321 §5.1) is the domain itself,
 *       and its TLSA records are looked up at {@code _25._tcp.<domain>} (RFC 7672 §2.2.1).
 *   <li>Otherwise the distinct MX hosts, lowest preference first, at most
 *       {@link Builder#maxMxHosts(int)} of them (the rest are not looked at), have their TLSA
 *       records looked up, all at once. A host counts as DANE when its TLSA answer is
 *       authenticated and holds at least one record usable for SMTP
 *       ({@link TlsaRecord#isUsableForSmtp()}: DANE-TA(2) or DANE-EE(3), RFC 7672 §3.1). Then:
 *       <ul>
 *         <li>at least one DANE host: {@link DomainDane#PRESENT};
 *         <li>else, a host whose TLSA lookup failed, timed out or was bogus:
 *             {@link DomainDane#UNKNOWN} (that host might have had DANE);
 *         <li>else {@link DomainDane#ABSENT}: every host has an authenticated absence of TLSA
 *             records, an unauthenticated answer, or only unusable records. A secure RRset of
 *             unusable records gives mandatory but unauthenticated TLS under RFC 7672 §3.1,
 *             weaker than an MTA-STS policy's authentication, so MTA-STS is kept.
 *       </ul>
 * </ol>
 * {@link DomainDane#UNKNOWN} leaves the choice to the caller: the Postfix policy server, for
 * example, answers a temporary failure rather than guess.
 *
 * <p>Not checked here (the MTA doing DANE checks them per connection): whether the MX hosts'
 * address records are secure (RFC 7672 §2.2.2), and the TLSA base domain after a CNAME
 * (§2.2.3): the TLSA records are looked up at the MX host name as published.
 *
 * <h2>Time and threads</h2>
 * Every detection completes within {@link Builder#deadline(Duration)}, whatever the DNS lookup
 * does; past it the result is {@link DomainDane#UNKNOWN}. The deadline is timed with
 * {@link CompletableFuture#orTimeout}, whose timer is the JDK's one shared daemon thread for
 * {@code CompletableFuture} delays (as in {@code MtaStsResolver}); the result is completed on the
 * {@linkplain Builder#executor(Executor) executor}. This class starts no thread and holds no
 * state beyond its configuration; instances are immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2">RFC 7672 §2.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-2">RFC 8461 §2</a>
 */
public final class DnsDaneDetector implements DaneDetector {
  /** The SMTP port, whose TLSA records DANE SMTP uses (RFC 7672 §2.2.3). */
  static final int SMTP_PORT = 25;

  private static final Logger LOG = LoggerFactory.getLogger(DnsDaneDetector.class);

  private final DnsLookup dns;
  private final Duration deadline;
  private final int maxMxHosts;
  private final Executor executor;

  private DnsDaneDetector(Builder b) {
    this.dns = b.dns;
    this.deadline = b.deadline == null ? Builder.DEFAULT_DEADLINE : b.deadline;
    this.maxMxHosts = b.maxMxHosts < 0 ? Builder.DEFAULT_MAX_MX_HOSTS : b.maxMxHosts;
    this.executor = b.executor == null ? ForkJoinPool.commonPool() : b.executor;
  }

  /**
   * Returns a builder over this DNS lookup, with the defaults described on {@link Builder}.
   *
   * @param dns the lookup; it must authenticate answers for DANE to be found
   * @return a new builder
   */
  public static Builder builder(DnsLookup dns) {
    return new Builder(Objects.requireNonNull(dns, "dns"));
  }

  /**
   * Finds the DANE state of one domain, by the decision in the class documentation.
   *
   * @param domain the destination (policy) domain
   * @return the state, completed on the executor within the deadline; never completes
   *     exceptionally
   */
  @Override
  public CompletionStage<DomainDane> detect(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    String name = domain.name();
    CompletableFuture<DomainDane> result = new CompletableFuture<>();
    try {
      dns.mxDnssec(name).whenComplete((mx, error) -> {
        if (error != null || mx == null) {
          done(result, name, DomainDane.UNKNOWN, "the MX lookup failed unexpectedly");
        } else {
          fromMx(result, name, mx);
        }
      });
    } catch (RuntimeException e) {
      done(result, name, DomainDane.UNKNOWN, "the MX lookup failed unexpectedly");
    }
    result.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS);
    return result.handleAsync((state, error) -> {
      if (error == null) {
        return state;
      }
      LOG.debug("DANE {}: no answer within {}: unknown", name, Durations.human(deadline));
      return DomainDane.UNKNOWN;
    }, executor);
  }

  private void fromMx(CompletableFuture<DomainDane> result, String name,
      DnssecOutcome<MxRecord> mx) {
    DnsOutcome<MxRecord> outcome = mx.outcome();
    if (outcome instanceof DnsOutcome.TemporaryFailure<MxRecord> f) {
      done(result, name, DomainDane.UNKNOWN, "the MX lookup failed (" + f.reason() + ")");
      return;
    }
    if (!mx.authenticated()) {
      done(result, name, DomainDane.ABSENT, "the MX answer is " + mx.status());
      return;
    }
    if (outcome instanceof DnsOutcome.NoSuchName) {
      done(result, name, DomainDane.ABSENT, "the domain does not exist (authenticated)");
      return;
    }
    List<String> hosts;
    if (outcome instanceof DnsOutcome.Records<MxRecord> records) {
      hosts = hosts(records.records());
      if (hosts.isEmpty()) {
        done(result, name, DomainDane.ABSENT, "the domain has a null MX (RFC 7505)");
        return;
      }
    } else {
      hosts = List.of(name); // NODATA: the implicit MX, RFC 5321 §5.1
    }
    List<CompletableFuture<HostDane>> lookups = new ArrayList<>();
    for (String host : hosts) {
      lookups.add(host(host));
    }
    CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
      boolean unknown = false;
      for (CompletableFuture<HostDane> lookup : lookups) {
        HostDane h = lookup.join(); // never exceptional: host() maps failures to UNKNOWN
        if (h == HostDane.DANE) {
          done(result, name, DomainDane.PRESENT, "an MX host has usable authenticated TLSA");
          return;
        }
        unknown |= h == HostDane.UNKNOWN;
      }
      done(result, name, unknown ? DomainDane.UNKNOWN : DomainDane.ABSENT, unknown
          ? "no MX host has DANE, and the TLSA lookup of one failed"
          : "no MX host has usable authenticated TLSA records");
    });
  }

  /** The distinct MX targets, lowest preference first, without the null MX, capped. */
  private List<String> hosts(List<MxRecord> records) {
    List<MxRecord> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingInt(MxRecord::preference));
    Set<String> hosts = new LinkedHashSet<>();
    for (MxRecord r : sorted) {
      if (!r.isNullMx()) {
        hosts.add(r.host());
      }
    }
    List<String> all = new ArrayList<>(hosts);
    if (all.size() > maxMxHosts && LOG.isDebugEnabled()) {
      LOG.debug("DANE: {} MX hosts; only the first {} are looked at", all.size(), maxMxHosts);
    }
    return all.subList(0, Math.min(all.size(), maxMxHosts));
  }

  private CompletableFuture<HostDane> host(String host) {
    CompletionStage<DnssecOutcome<TlsaRecord>> stage;
    try {
      stage = dns.tlsa(host, SMTP_PORT);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(HostDane.UNKNOWN);
    }
    return stage.handle((tlsa, error) -> {
      if (error != null || tlsa == null
          || tlsa.outcome() instanceof DnsOutcome.TemporaryFailure) {
        return HostDane.UNKNOWN;
      }
      if (tlsa.authenticated() && tlsa.outcome() instanceof DnsOutcome.Records<TlsaRecord> r
          && r.records().stream().anyMatch(TlsaRecord::isUsableForSmtp)) {
        return HostDane.DANE;
      }
      return HostDane.NONE;
    }).toCompletableFuture();
  }

  private static void done(CompletableFuture<DomainDane> result, String name, DomainDane state,
      String why) {
    if (result.complete(state) && LOG.isDebugEnabled()) {
      LOG.debug("DANE {}: {}: {}", SafeText.escape(name), state, why);
    }
  }

  @Override
  public String toString() {
    return "DnsDaneDetector[dns=" + dns + ", deadline=" + deadline + ", maxMxHosts=" + maxMxHosts
        + "]";
  }

  /** What one MX host's TLSA lookup showed. */
  private enum HostDane { DANE, NONE, UNKNOWN }

  /**
   * Configures a {@link DnsDaneDetector}. Every option may be set at most once; unset options take
   * the defaults given on each method.
   */
  public static final class Builder {
    /** Default of the deadline of one detection. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    /** Default of the most MX hosts whose TLSA records are looked up. */
    public static final int DEFAULT_MAX_MX_HOSTS = 10;
    static final int MAX_MX_HOSTS_LIMIT = 100;

    private final Builders.Tracker set = new Builders.Tracker();
    private final DnsLookup dns;
    private @Nullable Duration deadline;
    private int maxMxHosts = -1;
    private @Nullable Executor executor;

    private Builder(DnsLookup dns) {
      this.dns = dns;
    }

    /**
     * Sets the deadline of one detection, the MX and all TLSA lookups included: past it the
     * result is {@link DomainDane#UNKNOWN}. Default: 10 seconds.
     *
     * @param deadline a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code deadline} is not positive
     * @throws IllegalStateException if the deadline was already set
     */
    public Builder deadline(Duration deadline) {
      set.mark("deadline");
      this.deadline = Builders.positive(deadline, "deadline");
      return this;
    }

    /**
     * Sets the most MX hosts (distinct, lowest preference first) whose TLSA records are looked
     * up; the others are not looked at, so a domain whose only DANE hosts come later is
     * {@link DomainDane#ABSENT}. Bounds the queries one hostile MX RRset can cause. Default: 10.
     *
     * @param max 1 to 100
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is out of range
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maxMxHosts(int max) {
      set.mark("maxMxHosts");
      if (max < 1 || max > MAX_MX_HOSTS_LIMIT) {
        throw new IllegalArgumentException(
            "maxMxHosts must be 1 to " + MAX_MX_HOSTS_LIMIT + ", not " + max);
      }
      this.maxMxHosts = max;
      return this;
    }

    /**
     * Sets the executor that completes the returned stages. Default:
     * {@link ForkJoinPool#commonPool()}.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if the executor was already set
     */
    public Builder executor(Executor executor) {
      set.mark("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the detector.
     *
     * @return the detector
     */
    public DnsDaneDetector build() {
      return new DnsDaneDetector(this);
    }
  }
}
