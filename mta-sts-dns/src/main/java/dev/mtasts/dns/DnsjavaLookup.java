package dev.mtasts.dns;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.dns.AddressOutcomes;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.DnssecStatus;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import dev.mtasts.dns.internal.LookupGate;
import dev.mtasts.dns.internal.LookupGate.Dnssec;
import dev.mtasts.dns.internal.Outcomes;
import dev.mtasts.dns.internal.QueryNames;
import dev.mtasts.dns.internal.Scheduling;
import dev.mtasts.dns.internal.ServerResolver;
import dev.mtasts.dns.internal.UdpResolver;
import dev.mtasts.dns.internal.UdpTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;

/**
 * A {@link DnsLookup} on dnsjava that asks recursive resolvers over UDP, retries over TCP when an
 * answer is truncated, follows CNAME chains with a bound (TXT-10), and turns every network
 * condition into a {@link DnsOutcome}: never an exception (TXT-13, SEC-3).
 *
 * <pre>{@code
 * DnsLookup dns = DnsjavaLookup.builder()
 *     .servers("192.0.2.53:53", "[2001:db8::53]:53") // default: the system's resolvers
 *     .queryTimeout(Duration.ofSeconds(2))           // one query to one server
 *     .deadline(Duration.ofSeconds(5))               // the whole lookup, retries and CNAMEs included
 *     .executor(executor)                            // default: ForkJoinPool.commonPool()
 *     .build();
 *
 * dns.txt("_mta-sts.example.com").thenAccept(outcome -> {
 *   if (outcome instanceof DnsOutcome.Records<String> records) {
 *     // parse records.records() with MtaStsRecord / TxtRecordSelection
 *   } else if (outcome instanceof DnsOutcome.TemporaryFailure<String> failure) {
 *     // DNS is failing right now: keep using the cached policy
 *   } else {
 *     // NoSuchName or NoData: the domain publishes no MTA-STS record
 *   }
 * });
 * }</pre>
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>NXDOMAIN, also at the end of a CNAME chain: {@link DnsOutcome.NoSuchName}.
 *   <li>NOERROR without records of the type, as an empty answer or as a CNAME whose target has
 *       none: {@link DnsOutcome.NoData}.
 *   <li>SERVFAIL, REFUSED, any other RCODE, a timeout (also when only datagrams that do not answer
 *       the query arrive, see below), an unreachable server, an answer that does not parse (or,
 *       over TCP, does not match the question), an answer over
 *       {@link Builder#maxAnswerSize(int)} bytes or {@link Builder#maxRecords(int)} records, a
 *       CNAME loop or a chain over
 *       {@link Builder#maxCnameChain(int)}: {@link DnsOutcome.TemporaryFailure} with the matching
 *       {@link DnsFailure} and the cause.
 *   <li>A SERVFAIL that carries an extended DNS error from 6 (DNSSEC Bogus) to 12 (RFC 8914), or
 *       an answer the in-process validator finds bogus: {@link DnsOutcome.TemporaryFailure} with
 *       {@link DnsFailure#DNSSEC_BOGUS} (see "DNSSEC" below).
 * </ul>
 * The stage completes exceptionally only for a programming error: a {@code null} name
 * ({@link NullPointerException}) or a name that is not a valid DNS name
 * ({@link IllegalArgumentException}).
 *
 * <h2>Names</h2>
 * Names are absolute: a trailing root dot is optional, no search list is ever applied, U-labels are
 * converted to A-labels, never to another domain's name (a U-label with {@code ß}, {@code ς}, ZWJ
 * or ZWNJ, which IDNA 2003 and 2008 convert differently, is refused). Labels may hold letters,
 * digits, {@code '-'} and {@code '_'}.
 *
 * <h2>Records</h2>
 * A TXT RR becomes its character-strings joined with no added spaces (TXT-9), each byte mapped to
 * the char of the same value, with no escaping: bytes above 0x7F reach the record parsers, which
 * reject them (TXT-2). An MX RR becomes its preference and its lower-case target without the root
 * dot, {@code ""} for the null MX of RFC 7505. An A or AAAA RR becomes an {@link InetAddress}
 * named after the queried host; {@link #addresses(String)} asks for both at once and interleaves
 * them, IPv6 first (RFC 8305 §4).
 *
 * <h2>Time and threads</h2>
 * Every lookup completes within {@link Builder#deadline(Duration)}; each query to one server (with
 * its TCP retry after a truncated UDP answer) is abandoned after
 * {@link Builder#queryTimeout(Duration)} and sent again, to the next server in turn, up to
 * {@link Builder#attemptsPerServer(int)} times per server. Once the deadline passes, a lookup starts
 * no new query for a CNAME chain it was following (a retry already under way may still go out, and
 * ends within the query timeout). Both timeouts are enforced by this class, not by dnsjava, whose
 * own timeout checks run on a coarse tick (one second, and only while no socket is ready). The
 * threads involved:
 * <ul>
 *   <li>The {@linkplain Builder#executor(Executor) executor} parses answers, maps outcomes and
 *       completes the returned stages: dependent actions run there (or on the calling thread when
 *       the stage is already complete). It must not run tasks on the calling thread. Default:
 *       {@link ForkJoinPool#commonPool()}.
 *   <li>The {@linkplain Builder#scheduler(ScheduledExecutorService) scheduler} measures both
 *       timeouts and only hands work over to the executor. Default: the JDK's
 *       {@link CompletableFuture#delayedExecutor(long, java.util.concurrent.TimeUnit, Executor)},
 *       whose one daemon thread the JDK starts lazily and shares with the whole JVM.
 *   <li>UDP queries are served by one daemon thread per instance, "mta-sts-dns-udp", started when
 *       a UDP query is sent while none runs and ending as soon as no UDP query is in flight. It
 *       only reads datagrams, drops those that do not answer the query (below) and hands answers
 *       over to the executor.
 *   <li>TCP queries (after a truncated UDP answer, or all of them with {@link Builder#tcpOnly()})
 *       use dnsjava's transport, which performs its I/O on one daemon thread, "dnsjava NIO
 *       selector", started lazily from the thread that sends the first TCP query in the JVM and
 *       shared with every dnsjava user (static state in dnsjava's {@code NioClient}); it also
 *       registers a JVM shutdown hook that closes it. That thread only hands answers over to the
 *       executor; a known dnsjava 3.6.5 bug can kill it when a TCP server resets a connection
 *       mid-write, after which every TCP query ends, on time, as a {@link DnsFailure#TIMEOUT}
 *       failure.
 *   <li>With {@link Builder#dnssecTrustAnchors(String)}, dnsjava's validator runs some of its
 *       steps (NODATA and NXDOMAIN proofs) as {@code *Async} stages without an executor, that is
 *       on {@link ForkJoinPool#commonPool()}; the outcome is still completed on the executor.
 * </ul>
 * This class holds no static state. It keeps no DNS cache: the recursive resolver caches, and
 * MTA-STS policies are cached by their own TTL. The one exception is the in-process validator's
 * cache of validated DNSKEY RRsets, bounded as {@link Builder#dnssecTrustAnchors(String)} says.
 *
 * <h2>DNSSEC, for DANE (RFC 7672)</h2>
 * {@link #mxDnssec(String)} and {@link #tlsa(String, int)} tell whether their answer is
 * DNSSEC-authenticated, as DANE needs (RFC 7672 §2.1); {@link #txt(String)}, {@link #mx(String)}
 * and {@link #addresses(String)} never validate and are unchanged. One of three configurations:
 * <ul>
 *   <li>Neither option (the default): nothing is authenticated; every outcome is
 *       {@link DnssecStatus#NOT_VALIDATED}. A DANE detector then never finds DANE, so DANE never
 *       takes precedence and MTA-STS applies to every domain (RFC 8461 §2).
 *   <li>{@link Builder#trustAuthenticatedData()}: the servers are trusted validating resolvers;
 *       an answer is {@link DnssecStatus#SECURE} when every response of the lookup (one per CNAME
 *       followed) has the AD bit, else {@link DnssecStatus#INSECURE}. A SERVFAIL with an extended
 *       DNS error 6 to 12 (RFC 8914) is {@link DnsFailure#DNSSEC_BOGUS}; a plain SERVFAIL stays
 *       {@link DnsFailure#SERVFAIL} (the resolver did not say why). Sensible only over loopback
 *       or another trusted path (RFC 4035 §4.9.3).
 *   <li>{@link Builder#dnssecTrustAnchors(String)}: the answers are validated in this process
 *       (RFC 4035 §5): {@link DnssecStatus#SECURE} when the chain of trust from an anchor holds
 *       (for records, NXDOMAIN and NODATA alike), {@link DnssecStatus#INSECURE} for a name under
 *       no anchor or below a provably unsigned delegation, and a
 *       {@link DnsFailure#DNSSEC_BOGUS} failure when validation fails (missing, expired or wrong
 *       signatures, a DS that matches no key; also when the validator could not fetch a DS or
 *       DNSKEY RRset it needed).
 * </ul>
 * In both validating configurations every other failure (timeout, SERVFAIL, ...) is the usual
 * {@link DnsOutcome.TemporaryFailure}, marked {@link DnssecStatus#INSECURE}; the deadline, the
 * size and record bounds and the retries apply as to every lookup.
 *
 * <h2>Spoofed datagrams (RFC 5452 §9.1)</h2>
 * Each UDP query goes out from its own socket, on an ephemeral port chosen by the operating system,
 * with a fresh random ID. A datagram is taken as the answer only if it comes from the address and
 * port queried, carries the query's ID, has QR set and the query's opcode, and repeats the query's
 * question (name, type and class). Any other datagram is dropped and the wait goes on until the
 * query timeout, so a forged datagram can neither end the attempt nor pass for an answer. CPU
 * budget: at most 64 dropped
 * datagrams per query; one more fails that attempt as {@link DnsFailure#MALFORMED_ANSWER} and the
 * lookup moves on to its next attempt. A TCP message with QR=0 is a
 * {@link DnsFailure#MALFORMED_ANSWER} failure.
 *
 * <p>Instances are immutable and thread-safe; share one per configuration.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
public final class DnsjavaLookup implements DnsLookup {
  /** UDP payload size announced with EDNS(0), as recommended by DNS Flag Day 2020. */
  static final int EDNS_PAYLOAD_SIZE = 1232;
  /** In-process validation: most signatures tried on one RRset (KeyTrap bound). */
  static final int MAX_VALIDATE_RRSIGS = 8;
  /** In-process validation: most DS records that may fail to match a DNSKEY (KeyTrap bound). */
  static final int MAX_DS_MATCH_FAILURES = 4;
  /** In-process validation: most validated DNSKEY RRsets kept. */
  static final int KEY_CACHE_SIZE = 1000;
  /** In-process validation: longest time a validated DNSKEY RRset is kept, in seconds. */
  static final long KEY_CACHE_TTL_SECONDS = 900;

  private static final Logger LOG = LoggerFactory.getLogger(DnsjavaLookup.class);

  private final List<InetSocketAddress> servers;
  private final Duration queryTimeout;
  private final Duration deadline;
  private final int attemptsPerServer;
  private final int maxCnameChain;
  private final int maxAnswerSize;
  private final int maxRecords;
  private final int maxAddresses;
  private final boolean tcpOnly;
  private final Executor executor;
  private final Scheduling scheduling;
  private final Resolver resolver;
  private final Dnssec dnssec;
  private final Resolver dnssecResolver;

  private DnsjavaLookup(Builder b, List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
    this.queryTimeout = b.queryTimeout == null ? Builder.DEFAULT_QUERY_TIMEOUT : b.queryTimeout;
    this.deadline = b.deadline == null ? Builder.DEFAULT_DEADLINE : b.deadline;
    this.attemptsPerServer = b.attemptsPerServer < 0
        ? Builder.DEFAULT_ATTEMPTS_PER_SERVER : b.attemptsPerServer;
    this.maxCnameChain = b.maxCnameChain < 0 ? Builder.DEFAULT_MAX_CNAME_CHAIN : b.maxCnameChain;
    this.maxAnswerSize = b.maxAnswerSize < 0 ? Builder.DEFAULT_MAX_ANSWER_SIZE : b.maxAnswerSize;
    this.maxRecords = b.maxRecords < 0 ? Builder.DEFAULT_MAX_RECORDS : b.maxRecords;
    this.maxAddresses = b.maxAddresses < 0 ? Builder.DEFAULT_MAX_ADDRESSES : b.maxAddresses;
    this.tcpOnly = b.tcpOnly;
    this.executor = b.executor == null ? ForkJoinPool.commonPool() : b.executor;
    this.scheduling = new Scheduling(executor, b.scheduler);
    if (deadline.compareTo(queryTimeout) < 0) {
      throw new IllegalStateException("the deadline (" + deadline
          + ") must not be shorter than the query timeout (" + queryTimeout + ")");
    }

    UdpTransport udp = new UdpTransport();
    this.resolver = serverResolvers(udp, 0);
    if (b.trustAnchors != null) {
      this.dnssec = Dnssec.VALIDATOR;
      // The validator asks with DO and CD and checks the signatures itself (RFC 4035 §4.9.1).
      this.dnssecResolver = validator(serverResolvers(udp, ExtendedFlags.DO), b.trustAnchors);
    } else if (b.trustAd) {
      this.dnssec = Dnssec.TRUST_AD;
      this.dnssecResolver = resolver;
    } else {
      this.dnssec = Dnssec.NONE;
      this.dnssecResolver = resolver;
    }
  }

  /** The servers in turn, each guarded by a {@link ServerResolver}; {@code ednsFlags} on UDP. */
  private Resolver serverResolvers(UdpTransport udp, int ednsFlags) {
    List<Resolver> perServer = new ArrayList<>();
    for (InetSocketAddress server : this.servers) {
      SimpleResolver tcp = new SimpleResolver(server);
      // dnsjava's own timeout only closes abandoned sockets; ours fires first (see class doc).
      tcp.setTimeout(queryTimeout);
      tcp.setTCP(true);
      tcp.setEDNS(0, EDNS_PAYLOAD_SIZE, ednsFlags, List.of());
      // UDP goes through our transport: dnsjava's gives up on the first datagram that does not
      // match the query (SEC-13).
      Resolver transport = tcpOnly
          ? tcp : new UdpResolver(server, tcp, udp, queryTimeout, EDNS_PAYLOAD_SIZE, ednsFlags);
      perServer.add(
          new ServerResolver(transport, scheduling, queryTimeout, maxAnswerSize, maxRecords));
    }
    ExtendedResolver extended = new ExtendedResolver(perServer);
    extended.setRetries(attemptsPerServer);
    extended.setLoadBalance(false);
    // Its own overall timeout would report a plain IOException; ours is shorter and fires first.
    extended.setTimeout(deadline.multipliedBy(2));
    return extended;
  }

  /** dnsjava's validator over {@code head}, with the trust anchors and the CPU bounds. */
  private static Resolver validator(Resolver head, String trustAnchors) {
    ValidatingResolver validating = new ValidatingResolver(head);
    Properties bounds = new Properties();
    // KeyTrap (CVE-2023-50387) bounds: signatures tried per RRset, DS that may fail to match.
    bounds.setProperty("dnsjava.dnssec.max_validate_rrsigs", Integer.toString(MAX_VALIDATE_RRSIGS));
    bounds.setProperty("dnsjava.dnssec.max_ds_match_failures",
        Integer.toString(MAX_DS_MATCH_FAILURES));
    bounds.setProperty("dnsjava.dnssec.keycache.max_size", Integer.toString(KEY_CACHE_SIZE));
    bounds.setProperty("dnsjava.dnssec.keycache.max_ttl", Long.toString(KEY_CACHE_TTL_SECONDS));
    try {
      validating.init(bounds);
      validating.loadTrustAnchors(
          new ByteArrayInputStream(trustAnchors.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the DNSSEC trust anchors cannot be read: " + e.getMessage(),
          e);
    }
    return validating;
  }

  /**
   * Returns a builder with the defaults described on {@link Builder}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Looks up the TXT records at {@code name}; see the class documentation for the decoding.
   *
   * @param name the owner name, such as {@code _mta-sts.example.com}
   * @return the outcome, completed on the executor within the deadline; completes exceptionally
   *     with {@link NullPointerException} or {@link IllegalArgumentException} for a {@code null}
   *     or invalid name only
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
   */
  @Override
  public CompletionStage<DnsOutcome<String>> txt(String name) {
    return lookup(name, Type.TXT,
        r -> r instanceof TXTRecord txt ? Outcomes.txtText(txt) : null);
  }

  /**
   * Looks up the MX records at {@code name}, in the order received.
   *
   * @param name the domain, such as {@code example.com}
   * @return the outcome, completed on the executor within the deadline; completes exceptionally
   *     with {@link NullPointerException} or {@link IllegalArgumentException} for a {@code null}
   *     or invalid name only
   */
  @Override
  public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
    return lookup(name, Type.MX, r -> r instanceof MXRecord mx ? Outcomes.mx(mx) : null);
  }

  /**
   * Looks up the A and AAAA records of {@code host}, both queries sent at once, each under the
   * deadline, and combines them as {@link DnsLookup#addresses(String)} documents (with
   * {@link AddressOutcomes#combine}): addresses interleaved, IPv6 first (RFC 8305 §4), at most
   * {@link Builder#maxAddresses(int)}. Each family's answer is also bounded by
   * {@link Builder#maxRecords(int)}, like every answer.
   *
   * @param host the host name, such as {@code mta-sts.example.com}
   * @return the outcome, completed on the executor within the deadline; completes exceptionally
   *     with {@link NullPointerException} or {@link IllegalArgumentException} for a {@code null}
   *     or invalid name only
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8305#section-4">RFC 8305 §4</a>
   */
  @Override
  public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
    Name qname;
    try {
      qname = QueryNames.toAbsolute(Objects.requireNonNull(host, "host"));
    } catch (NullPointerException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The addresses carry the name asked for, so getHostName() never asks reverse DNS.
    String hostName = QueryNames.toText(qname);
    CompletableFuture<DnsOutcome<InetAddress>> ipv6 =
        lookup(host, qname, Type.AAAA, r -> Outcomes.address(r, hostName));
    CompletableFuture<DnsOutcome<InetAddress>> ipv4 =
        lookup(host, qname, Type.A, r -> Outcomes.address(r, hostName));
    // Both complete on the executor, so the combination runs there too.
    return ipv6.thenCombine(ipv4, (six, four) -> {
      DnsOutcome<InetAddress> combined = AddressOutcomes.combine(host, six, four, maxAddresses);
      if (LOG.isDebugEnabled()) {
        LOG.debug("DNS A+AAAA {}: {} (AAAA: {}; A: {})", qname, describe(combined),
            describe(six), describe(four));
      }
      return combined;
    });
  }

  /**
   * Looks up the MX records at {@code domain} through the DNSSEC path and tells whether the answer
   * is authenticated: see "DNSSEC" in the class documentation for the three configurations and
   * what each status means.
   *
   * @param domain the domain, such as {@code example.com}
   * @return the outcome and its status, completed on the executor within the deadline; completes
   *     exceptionally with {@link NullPointerException} or {@link IllegalArgumentException} for a
   *     {@code null} or invalid name only
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2.1">RFC 7672 §2.2.1</a>
   */
  @Override
  public CompletionStage<DnssecOutcome<MxRecord>> mxDnssec(String domain) {
    return dnssecLookup(domain, Type.MX, r -> r instanceof MXRecord mx ? Outcomes.mx(mx) : null);
  }

  /**
   * Looks up the TLSA records at {@code _<port>._tcp.<host>} through the DNSSEC path and tells
   * whether the answer is authenticated: see "DNSSEC" in the class documentation. Each TLSA RR
   * becomes its three fields and its data in hexadecimal; the answer is bounded like every other
   * ({@link Builder#maxRecords(int)}, {@link Builder#maxAnswerSize(int)}).
   *
   * @param host the server's host name, such as {@code mx.example.com}
   * @param port the TCP port, 1 to 65535 (25 for SMTP, RFC 7672 §2.2.3)
   * @return the outcome and its status, completed on the executor within the deadline; completes
   *     exceptionally with {@link NullPointerException} or {@link IllegalArgumentException} for a
   *     {@code null} or invalid name or port only
   * @see <a href="https://www.rfc-editor.org/rfc/rfc6698#section-3">RFC 6698 §3</a>
   */
  @Override
  public CompletionStage<DnssecOutcome<TlsaRecord>> tlsa(String host, int port) {
    String name;
    try {
      name = DnsLookup.tlsaName(Objects.requireNonNull(host, "host"), port);
    } catch (NullPointerException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return dnssecLookup(name, Type.TLSA, r -> r instanceof TLSARecord t
        ? new TlsaRecord(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
            HexFormat.of().formatHex(t.getCertificateAssociationData()))
        : null);
  }

  private <T> CompletionStage<DnsOutcome<T>> lookup(
      @Nullable String name, int type, Outcomes.Converter<T> convert) {
    Name qname;
    try {
      qname = QueryNames.toAbsolute(Objects.requireNonNull(name, "name"));
    } catch (NullPointerException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return lookup(name, qname, type, convert);
  }

  private <T> CompletableFuture<DnsOutcome<T>> lookup(
      String name, Name qname, int type, Outcomes.Converter<T> convert) {
    return lookup(name, qname, type, convert, new LookupGate(resolver));
  }

  /** A lookup through the DNSSEC path, its outcome marked with what the gate saw. */
  private <T> CompletionStage<DnssecOutcome<T>> dnssecLookup(
      String name, int type, Outcomes.Converter<T> convert) {
    Name qname;
    try {
      qname = QueryNames.toAbsolute(Objects.requireNonNull(name, "name"));
    } catch (NullPointerException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    LookupGate gate = new LookupGate(dnssecResolver, dnssec);
    return lookup(name, qname, type, convert, gate).thenApply(outcome -> {
      DnssecStatus status;
      if (dnssec == Dnssec.NONE) {
        status = DnssecStatus.NOT_VALIDATED;
      } else if (gate.authenticated() && !(outcome instanceof DnsOutcome.TemporaryFailure)) {
        status = DnssecStatus.SECURE;
      } else {
        status = DnssecStatus.INSECURE;
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug("DNSSEC {} {}: {}", Type.string(type), qname, status);
      }
      return new DnssecOutcome<>(outcome, status);
    });
  }

  private <T> CompletableFuture<DnsOutcome<T>> lookup(
      String name, Name qname, int type, Outcomes.Converter<T> convert, LookupGate gate) {
    CompletableFuture<DnsOutcome<T>> result = new CompletableFuture<>();
    Runnable cancelDeadline = scheduling.schedule(deadline, () -> {
      gate.close();
      if (result.complete(new DnsOutcome.TemporaryFailure<>(name, DnsFailure.TIMEOUT,
          "no answer within the deadline of " + deadline, null))) {
        LOG.debug("DNS {} {}: no answer within {}", Type.string(type), qname, deadline);
      }
    });
    LookupSession session = LookupSession.builder()
        .resolver(gate)
        .executor(executor)
        // dnsjava refuses the data record that follows the maxRedirects-th CNAME: allow one more
        // and enforce maxCnameChain on the result.
        .maxRedirects(maxCnameChain + 1)
        .build();
    CompletionStage<LookupResult> stage;
    try {
      stage = session.lookupAsync(qname, type);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((found, error) -> scheduling.execute(() -> {
      gate.close();
      cancelDeadline.run();
      DnsOutcome<T> outcome;
      try {
        outcome = error == null
            ? Outcomes.fromResult(name, found, convert, maxCnameChain)
            : Outcomes.fromFailure(name, error);
      } catch (RuntimeException e) {
        outcome = Outcomes.fromFailure(name, e);
      }
      if (result.complete(outcome) && LOG.isDebugEnabled()) {
        LOG.debug("DNS {} {}: {}", Type.string(type), qname, describe(outcome));
      }
    }));
    return result;
  }

  private static String describe(DnsOutcome<?> outcome) {
    if (outcome instanceof DnsOutcome.TemporaryFailure<?> f) {
      // The message may quote text from the network (dnsjava's parse errors): SEC-12.
      return "temporary failure " + f.reason() + ": " + SafeText.escape(f.message());
    }
    if (outcome instanceof DnsOutcome.Records<?> r) {
      return r.records().size() + " record(s)";
    }
    return outcome.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "DnsjavaLookup[servers=" + servers + ", queryTimeout=" + queryTimeout
        + ", deadline=" + deadline + ", attemptsPerServer=" + attemptsPerServer
        + ", maxCnameChain=" + maxCnameChain + ", maxAnswerSize=" + maxAnswerSize
        + ", maxRecords=" + maxRecords + ", maxAddresses=" + maxAddresses
        + ", transport=" + (tcpOnly ? "TCP" : "UDP, TCP on truncation")
        + ", dnssec=" + dnssec
        + "]";
  }

  /**
   * Configures a {@link DnsjavaLookup}. Every option may be set at most once; unset options take
   * the defaults given on each method.
   */
  public static final class Builder {
    /** Default of the query timeout of one query to one server. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);
    /** Default of the deadline of a whole lookup. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
    /** Default of attempts per server. */
    public static final int DEFAULT_ATTEMPTS_PER_SERVER = 2;
    /** Default of the longest CNAME chain followed (TXT-10). */
    public static final int DEFAULT_MAX_CNAME_CHAIN = 8;
    /** Default of the largest answer accepted, in bytes. */
    public static final int DEFAULT_MAX_ANSWER_SIZE = 16_384;
    /** Default of the most records kept from one answer. */
    public static final int DEFAULT_MAX_RECORDS = 100;
    static final int MAX_CNAME_CHAIN_LIMIT = 32;
    static final int MAX_ATTEMPTS_LIMIT = 10;
    static final int MIN_ANSWER_SIZE = 512;
    static final int MAX_ANSWER_SIZE_LIMIT = 65_535;
    static final int MAX_RECORDS_LIMIT = 10_000;
    /** Default of the most addresses kept by addresses(host). */
    public static final int DEFAULT_MAX_ADDRESSES = 32;
    static final int MAX_ADDRESSES_LIMIT = 1_000;
    static final int DEFAULT_PORT = 53;

    private final Builders.Tracker set = new Builders.Tracker();
    private @Nullable List<InetSocketAddress> servers;
    private @Nullable Duration queryTimeout;
    private @Nullable Duration deadline;
    private int attemptsPerServer = -1;
    private int maxCnameChain = -1;
    private int maxAnswerSize = -1;
    private int maxRecords = -1;
    private int maxAddresses = -1;
    private boolean tcpOnly;
    private boolean trustAd;
    private @Nullable String trustAnchors;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * Sets the recursive resolvers to ask, each as {@code host}, {@code host:port},
     * {@code [ipv6]} or {@code [ipv6]:port} (port 53 when omitted). Host names are resolved now.
     * Default: the system's resolvers, read once when {@link #build()} runs (on Unix from
     * {@code /etc/resolv.conf}; {@code 127.0.0.1:53} when none is configured).
     *
     * @param hostPorts the servers, tried in this order
     * @return this builder
     * @throws IllegalArgumentException if no server is given or one cannot be parsed or resolved
     * @throws IllegalStateException if the servers were already set
     */
    public Builder servers(String... hostPorts) {
      Objects.requireNonNull(hostPorts, "hostPorts");
      List<InetSocketAddress> parsed = new ArrayList<>();
      for (String hostPort : hostPorts) {
        parsed.add(parseServer(Objects.requireNonNull(hostPort, "hostPorts contains null")));
      }
      return servers(parsed);
    }

    /**
     * Sets the recursive resolvers to ask. Default: see {@link #servers(String...)}.
     *
     * @param addresses the servers, tried in this order
     * @return this builder
     * @throws IllegalArgumentException if the list is empty or an address is unresolved
     * @throws IllegalStateException if the servers were already set
     */
    public Builder servers(List<InetSocketAddress> addresses) {
      set.mark("servers");
      List<InetSocketAddress> copy = List.copyOf(addresses);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("at least one server is needed");
      }
      for (InetSocketAddress a : copy) {
        if (a.isUnresolved()) {
          throw new IllegalArgumentException("server " + a + " is unresolved");
        }
      }
      servers = copy;
      return this;
    }

    /**
     * Sets how long one query to one server may take before it is abandoned and, if attempts and
     * time remain, sent again. Default: 2 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if the query timeout was already set
     */
    public Builder queryTimeout(Duration timeout) {
      set.mark("queryTimeout");
      queryTimeout = Builders.positive(timeout, "queryTimeout");
      return this;
    }

    /**
     * Sets the overall deadline of one lookup, retries and CNAME chain included: when it passes
     * the lookup completes with {@link DnsFailure#TIMEOUT}. It must not be shorter than the query
     * timeout. Default: 5 seconds.
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
     * Sets how many times each server is asked before the lookup gives up (servers are asked in
     * turn). Default: 2.
     *
     * @param attempts 1 to 10
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts} is out of range
     * @throws IllegalStateException if the attempts were already set
     */
    public Builder attemptsPerServer(int attempts) {
      set.mark("attemptsPerServer");
      attemptsPerServer = requireRange(attempts, 1, MAX_ATTEMPTS_LIMIT, "attemptsPerServer");
      return this;
    }

    /**
     * Sets the most CNAMEs followed for one lookup (TXT-10); a longer chain or a loop is a
     * {@link DnsFailure#CNAME_CHAIN} failure. Default: 8.
     *
     * @param max 1 to 32
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is out of range
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maxCnameChain(int max) {
      set.mark("maxCnameChain");
      maxCnameChain = requireRange(max, 1, MAX_CNAME_CHAIN_LIMIT, "maxCnameChain");
      return this;
    }

    /**
     * Sets the largest DNS message accepted, in bytes; a larger one is a
     * {@link DnsFailure#ANSWER_TOO_LARGE} failure. Over UDP answers are also bounded by the
     * 1232-byte EDNS(0) payload size this class announces. Default: 16384.
     *
     * @param bytes 512 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maxAnswerSize(int bytes) {
      set.mark("maxAnswerSize");
      maxAnswerSize = requireRange(bytes, MIN_ANSWER_SIZE, MAX_ANSWER_SIZE_LIMIT, "maxAnswerSize");
      return this;
    }

    /**
     * Sets the most records accepted in the answer section of one DNS message; more is a
     * {@link DnsFailure#ANSWER_TOO_LARGE} failure. Default: 100.
     *
     * @param max 1 to 10000
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is out of range
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maxRecords(int max) {
      set.mark("maxRecords");
      maxRecords = requireRange(max, 1, MAX_RECORDS_LIMIT, "maxRecords");
      return this;
    }

    /**
     * Sets the most addresses an {@link DnsjavaLookup#addresses(String) address lookup} returns:
     * those past it in the interleaved order (IPv6 first, RFC 8305 §4) are dropped, since a
     * client tries only the first few. Default: 32.
     *
     * @param max 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is out of range
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maxAddresses(int max) {
      set.mark("maxAddresses");
      maxAddresses = requireRange(max, 1, MAX_ADDRESSES_LIMIT, "maxAddresses");
      return this;
    }

    /**
     * Sends every query over TCP. Default: UDP, and TCP again when the UDP answer is truncated.
     *
     * @return this builder
     * @throws IllegalStateException if TCP-only was already set
     */
    public Builder tcpOnly() {
      set.mark("tcpOnly");
      tcpOnly = true;
      return this;
    }

    /**
     * Trusts the AD bit of the configured servers: {@link DnsjavaLookup#mxDnssec(String)} and
     * {@link DnsjavaLookup#tlsa(String, int)} ask for it (RFC 6840 §5.7) and call an answer
     * {@link DnssecStatus#SECURE} when every response of the lookup carries it. A SERVFAIL with an
     * extended DNS error 6 to 12 (RFC 8914) is {@link DnsFailure#DNSSEC_BOGUS}.
     *
     * <p>Only sensible when every server is a validating resolver reached over a path no one else
     * can write to: on loopback (a local unbound, BIND or Knot Resolver) or a link protected
     * otherwise (RFC 4035 §4.9.3, RFC 6698 §4.1). Anyone who can forge a datagram from a remote
     * resolver can set the AD bit. Cannot be combined with {@link #dnssecTrustAnchors(String)}.
     * Default: off.
     *
     * @return this builder
     * @throws IllegalStateException if this or the trust anchors were already set
     */
    public Builder trustAuthenticatedData() {
      set.mark("trustAuthenticatedData");
      if (trustAnchors != null) {
        throw new IllegalStateException("trustAuthenticatedData() and dnssecTrustAnchors() "
            + "are two ways to authenticate answers; choose one");
      }
      trustAd = true;
      return this;
    }

    /**
     * Validates DNSSEC in this process, with dnsjava's validator, from these trust anchors:
     * {@link DnsjavaLookup#mxDnssec(String)} and {@link DnsjavaLookup#tlsa(String, int)} ask the
     * servers with DO and CD set, check every signature up to a trust anchor (RFC 4035 §5), and
     * call an answer {@link DnssecStatus#SECURE} only when it validates; a bogus answer is a
     * {@link DnsFailure#DNSSEC_BOGUS} failure; a name under no trust anchor is
     * {@link DnssecStatus#INSECURE}. The servers need not be trusted nor validate, but must
     * return signatures (any recursive resolver, or the authoritative server of a zone).
     *
     * <p>Bounds (KeyTrap, CVE-2023-50387): at most {@value DnsjavaLookup#MAX_VALIDATE_RRSIGS}
     * signatures tried per RRset and {@value DnsjavaLookup#MAX_DS_MATCH_FAILURES} non-matching DS
     * records per zone; at most {@value DnsjavaLookup#KEY_CACHE_SIZE} validated DNSKEY RRsets are
     * kept, each at most {@value DnsjavaLookup#KEY_CACHE_TTL_SECONDS} seconds. The validator's own
     * DS and DNSKEY queries go through the same servers, timeouts and size bounds as every query.
     * dnsjava's validator also reads the {@code dnsjava.dnssec.*} system properties when it is
     * created (a {@code dnsjava.dnssec.trust_anchor_file} there adds anchors).
     *
     * @param zoneText trust anchors as zone-file text: DS or DNSKEY records with absolute owner
     *     names, such as the root's {@code ". IN DS 20326 8 2 E06D44B8..."} (IANA's
     *     root-anchors), or a test zone's; other record types are ignored
     * @return this builder
     * @throws IllegalArgumentException if the text holds no DS or DNSKEY record
     * @throws IllegalStateException if this or {@link #trustAuthenticatedData()} was already set
     * @see <a href="https://www.rfc-editor.org/rfc/rfc4035#section-5">RFC 4035 §5</a>
     */
    public Builder dnssecTrustAnchors(String zoneText) {
      set.mark("dnssecTrustAnchors");
      Objects.requireNonNull(zoneText, "zoneText");
      if (trustAd) {
        throw new IllegalStateException("trustAuthenticatedData() and dnssecTrustAnchors() "
            + "are two ways to authenticate answers; choose one");
      }
      if (!zoneText.matches("(?s).*\\b(DS|DNSKEY)\\b.*")) {
        throw new IllegalArgumentException("the trust anchors hold no DS or DNSKEY record");
      }
      trustAnchors = zoneText;
      return this;
    }

    /**
     * Sets the executor that parses answers and completes the returned stages. It must not run
     * tasks on the calling thread. Default: {@link ForkJoinPool#commonPool()}.
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
     * Sets the scheduler that measures the query timeout and the deadline; its tasks only hand
     * work over to the executor. This class never shuts it down. Default: the JDK's shared
     * {@link CompletableFuture#delayedExecutor(long, java.util.concurrent.TimeUnit, Executor)}.
     *
     * @param scheduler the scheduler
     * @return this builder
     * @throws IllegalStateException if the scheduler was already set
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      set.mark("scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the lookup; reads the system's resolvers when no servers were set.
     *
     * @return the lookup
     * @throws IllegalStateException if the deadline is shorter than the query timeout, no
     *     servers were set and the system has none, or the DNSSEC trust anchors do not parse
     */
    public DnsjavaLookup build() {
      List<InetSocketAddress> chosen = servers;
      if (chosen == null) {
        chosen = new ResolverConfig().servers();
        if (chosen.isEmpty()) {
          throw new IllegalStateException("the system has no DNS servers configured; set servers");
        }
      }
      return new DnsjavaLookup(this, chosen);
    }

    static InetSocketAddress parseServer(String hostPort) {
      String s = hostPort.trim();
      String host;
      int port = DEFAULT_PORT;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("'" + hostPort + "' lacks the closing ']'");
        }
        host = s.substring(1, close);
        String rest = s.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("'" + hostPort + "' is not [address]:port");
          }
          port = parsePort(rest.substring(1), hostPort);
        }
      } else {
        int colon = s.indexOf(':');
        if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
          host = s; // a bare IPv6 address
        } else if (colon >= 0) {
          host = s.substring(0, colon);
          port = parsePort(s.substring(colon + 1), hostPort);
        } else {
          host = s;
        }
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("'" + hostPort + "' has no host");
      }
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("cannot resolve the DNS server '" + host + "'");
      }
      return address;
    }

    private static int parsePort(String text, String hostPort) {
      try {
        int port = Integer.parseInt(text);
        if (port >= 1 && port <= 65_535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("'" + hostPort + "' has no valid port (1 to 65535)");
    }

    private static int requireRange(int value, int min, int max, String option) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s must be %d to %d, not %d", option, min, max, value));
      }
      return value;
    }
  }
}
