package dev.mtasts.testing;

import dev.mtasts.core.dns.AddressOutcomes;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.DnssecStatus;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A programmable {@link DnsLookup}: answers what the test configured, counts queries, and can
 * hold answers back. Names are compared case-insensitively, with or without a trailing dot; a
 * name with nothing configured is NXDOMAIN.
 *
 * <pre>{@code
 * FakeDnsLookup dns = FakeDnsLookup.create()
 *     .putTxt("_mta-sts.example.com", "v=STSv1; id=1")
 *     .putMx("example.com", new MxRecord(10, "mx.example.com"))
 *     .putAddresses("mta-sts.example.com", InetAddress.getByName("127.0.0.1"));
 * dns.failTxt("_mta-sts.broken.example", DnsFailure.SERVFAIL);
 * }</pre>
 *
 * <p>Addresses are scripted per family (AAAA and A) and combined as {@link DnsLookup#addresses}
 * documents, with {@link AddressOutcomes#combine}, without a bound on their number.
 *
 * <p>DNSSEC, for DANE: the fake validates. {@link #mxDnssec(String)} and
 * {@link #tlsa(String, int)} answer as {@link #mx(String)} and the scripted TLSA records do,
 * {@link DnssecStatus#SECURE} for a name marked with {@link #authenticate(String)}, else
 * {@link DnssecStatus#INSECURE} (always for a failure); a bogus answer is scripted as a failure
 * with {@link DnsFailure#DNSSEC_BOGUS}.
 */
public final class FakeDnsLookup implements DnsLookup {
  private final Map<String, DnsOutcome<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, DnsOutcome<MxRecord>> mx = new ConcurrentHashMap<>();
  private final Map<String, AddressPair> addresses = new ConcurrentHashMap<>();
  private final Map<String, DnsOutcome<TlsaRecord>> tlsa = new ConcurrentHashMap<>();
  private final Set<String> authenticated = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> tlsaQueries = new ConcurrentHashMap<>();
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> txtQueries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> mxQueries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> addressQueries = new ConcurrentHashMap<>();

  private FakeDnsLookup() {}

  /**
   * Creates an empty fake: every name is NXDOMAIN.
   *
   * @return the fake
   */
  public static FakeDnsLookup create() {
    return new FakeDnsLookup();
  }

  private static String key(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return n.toLowerCase(Locale.ROOT);
  }

  /**
   * Answers TXT queries for {@code name} with these values (NODATA when none are given).
   *
   * @param name the owner name
   * @param values one string per TXT record, strings already joined
   * @return this fake
   */
  public FakeDnsLookup putTxt(String name, String... values) {
    txt.put(key(name), values.length == 0 ? new DnsOutcome.NoData<>(name)
        : new DnsOutcome.Records<>(name, List.of(values), List.of()));
    return this;
  }

  /**
   * Answers TXT queries for {@code name} with a given outcome.
   *
   * @param name the owner name
   * @param outcome the outcome to return
   * @return this fake
   */
  public FakeDnsLookup putTxtOutcome(String name, DnsOutcome<String> outcome) {
    txt.put(key(name), Objects.requireNonNull(outcome, "outcome"));
    return this;
  }

  /**
   * Makes TXT queries for {@code name} fail temporarily.
   *
   * @param name the owner name
   * @param reason the failure
   * @return this fake
   */
  public FakeDnsLookup failTxt(String name, DnsFailure reason) {
    txt.put(key(name), new DnsOutcome.TemporaryFailure<>(name, reason, "fake " + reason, null));
    return this;
  }

  /**
   * Forgets the TXT answer for {@code name}: it is NXDOMAIN again.
   *
   * @param name the owner name
   * @return this fake
   */
  public FakeDnsLookup removeTxt(String name) {
    txt.remove(key(name));
    return this;
  }

  /**
   * Answers MX queries for {@code name} with these records (NODATA when none are given).
   *
   * @param name the domain
   * @param records the MX records
   * @return this fake
   */
  public FakeDnsLookup putMx(String name, MxRecord... records) {
    mx.put(key(name), records.length == 0 ? new DnsOutcome.NoData<>(name)
        : new DnsOutcome.Records<>(name, List.of(records), List.of()));
    return this;
  }

  /**
   * Makes MX queries for {@code name} fail temporarily.
   *
   * @param name the domain
   * @param reason the failure
   * @return this fake
   */
  public FakeDnsLookup failMx(String name, DnsFailure reason) {
    mx.put(key(name), new DnsOutcome.TemporaryFailure<>(name, reason, "fake " + reason, null));
    return this;
  }

  /**
   * Answers address queries for {@code host} with these addresses: the IPv6 ones as its AAAA
   * records, the IPv4 ones as its A records, each in the order given; a family with none given is
   * NODATA.
   *
   * @param host the host name
   * @param values its addresses
   * @return this fake
   */
  public FakeDnsLookup putAddresses(String host, InetAddress... values) {
    List<InetAddress> six = new ArrayList<>();
    List<InetAddress> four = new ArrayList<>();
    for (InetAddress a : values) {
      (a instanceof Inet6Address ? six : four).add(Objects.requireNonNull(a, "values"));
    }
    return putAddressOutcomes(host, family(host, six), family(host, four));
  }

  /**
   * Answers address queries for {@code host} with given outcomes of its AAAA and A queries,
   * combined as {@link DnsLookup#addresses} documents (for example a SERVFAIL for one family only).
   *
   * @param host the host name
   * @param ipv6 the outcome of the AAAA query
   * @param ipv4 the outcome of the A query
   * @return this fake
   */
  public FakeDnsLookup putAddressOutcomes(
      String host, DnsOutcome<InetAddress> ipv6, DnsOutcome<InetAddress> ipv4) {
    addresses.put(key(host), new AddressPair(ipv6, ipv4));
    return this;
  }

  /**
   * Makes address queries for {@code host} fail temporarily, for both families.
   *
   * @param host the host name
   * @param reason the failure
   * @return this fake
   */
  public FakeDnsLookup failAddresses(String host, DnsFailure reason) {
    DnsOutcome<InetAddress> failed =
        new DnsOutcome.TemporaryFailure<>(host, reason, "fake " + reason, null);
    return putAddressOutcomes(host, failed, failed);
  }

  private static DnsOutcome<InetAddress> family(String host, List<InetAddress> found) {
    return found.isEmpty() ? new DnsOutcome.NoData<>(host)
        : new DnsOutcome.Records<>(host, found, List.of());
  }

  /**
   * Answers TLSA queries for {@code _<port>._tcp.<host>} with these records (NODATA when none are
   * given); see {@link #authenticate(String)} to make the answer secure.
   *
   * @param host the server's host name
   * @param port the TCP port
   * @param records the TLSA records
   * @return this fake
   */
  public FakeDnsLookup putTlsa(String host, int port, TlsaRecord... records) {
    String name = DnsLookup.tlsaName(host, port);
    return putTlsaOutcome(host, port, records.length == 0 ? new DnsOutcome.NoData<>(name)
        : new DnsOutcome.Records<>(name, List.of(records), List.of()));
  }

  /**
   * Answers TLSA queries for {@code _<port>._tcp.<host>} with a given outcome (for example a
   * failure with {@link DnsFailure#DNSSEC_BOGUS}).
   *
   * @param host the server's host name
   * @param port the TCP port
   * @param outcome the outcome to return
   * @return this fake
   */
  public FakeDnsLookup putTlsaOutcome(String host, int port, DnsOutcome<TlsaRecord> outcome) {
    tlsa.put(key(DnsLookup.tlsaName(host, port)), Objects.requireNonNull(outcome, "outcome"));
    return this;
  }

  /**
   * Marks the answers for {@code name} as DNSSEC-authenticated: its MX answer in
   * {@link #mxDnssec(String)} and, for a TLSA owner name such as {@code _25._tcp.mx.example.com},
   * its TLSA answer, whether records, NXDOMAIN or NODATA. Failures are never secure.
   *
   * @param name the owner name
   * @return this fake
   */
  public FakeDnsLookup authenticate(String name) {
    authenticated.add(key(name));
    return this;
  }

  /**
   * Returns a view of this fake as a lookup written before the DNSSEC methods: it answers TXT, MX
   * and addresses as this fake does, and {@link DnsLookup#mxDnssec(String)} and
   * {@link DnsLookup#tlsa(String, int)} with the SPI's defaults ({@link DnssecStatus#NOT_VALIDATED}).
   *
   * @return the view
   */
  public DnsLookup withoutDnssec() {
    FakeDnsLookup fake = this;
    return new DnsLookup() {
      @Override
      public CompletionStage<DnsOutcome<String>> txt(String name) {
        return fake.txt(name);
      }

      @Override
      public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
        return fake.mx(name);
      }

      @Override
      public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
        return fake.addresses(host);
      }
    };
  }

  /**
   * Returns how many TLSA queries were made for {@code _<port>._tcp.<host>}.
   *
   * @param host the server's host name
   * @param port the TCP port
   * @return the count
   */
  public int tlsaQueries(String host, int port) {
    AtomicInteger n = tlsaQueries.get(key(DnsLookup.tlsaName(host, port)));
    return n == null ? 0 : n.get();
  }

  /**
   * Holds every answer for {@code name} (TXT, MX and addresses) until the returned gate is
   * released.
   *
   * @param name the owner name
   * @return the gate
   */
  public Gate hold(String name) {
    Gate gate = new Gate();
    gates.put(key(name), gate);
    return gate;
  }

  /**
   * Returns how many TXT queries were made for {@code name}.
   *
   * @param name the owner name
   * @return the count
   */
  public int txtQueries(String name) {
    AtomicInteger n = txtQueries.get(key(name));
    return n == null ? 0 : n.get();
  }

  /**
   * Returns how many MX queries were made for {@code name}.
   *
   * @param name the domain
   * @return the count
   */
  public int mxQueries(String name) {
    AtomicInteger n = mxQueries.get(key(name));
    return n == null ? 0 : n.get();
  }

  /**
   * Returns how many address lookups were made for {@code host}.
   *
   * @param host the host name
   * @return the count
   */
  public int addressQueries(String host) {
    AtomicInteger n = addressQueries.get(key(host));
    return n == null ? 0 : n.get();
  }

  @Override
  public CompletionStage<DnsOutcome<String>> txt(String name) {
    String k = key(Objects.requireNonNull(name, "name"));
    txtQueries.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    DnsOutcome<String> outcome = txt.getOrDefault(k, new DnsOutcome.NoSuchName<>(name));
    return answer(k, outcome);
  }

  @Override
  public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
    String k = key(Objects.requireNonNull(name, "name"));
    mxQueries.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    DnsOutcome<MxRecord> outcome = mx.getOrDefault(k, new DnsOutcome.NoSuchName<>(name));
    return answer(k, outcome);
  }

  @Override
  public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
    String k = key(Objects.requireNonNull(host, "host"));
    addressQueries.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    AddressPair pair = addresses.get(k);
    DnsOutcome<InetAddress> outcome = pair == null ? new DnsOutcome.NoSuchName<>(host)
        : AddressOutcomes.combine(host, pair.ipv6(), pair.ipv4(), Integer.MAX_VALUE);
    return answer(k, outcome);
  }

  @Override
  public CompletionStage<DnssecOutcome<MxRecord>> mxDnssec(String domain) {
    String k = key(Objects.requireNonNull(domain, "domain"));
    return mx(domain).thenApply(outcome -> secured(k, outcome));
  }

  @Override
  public CompletionStage<DnssecOutcome<TlsaRecord>> tlsa(String host, int port) {
    String name = DnsLookup.tlsaName(Objects.requireNonNull(host, "host"), port);
    String k = key(name);
    tlsaQueries.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    DnsOutcome<TlsaRecord> outcome = tlsa.getOrDefault(k, new DnsOutcome.NoSuchName<>(name));
    return answer(k, secured(k, outcome));
  }

  private <T> DnssecOutcome<T> secured(String key, DnsOutcome<T> outcome) {
    boolean secure = authenticated.contains(key)
        && !(outcome instanceof DnsOutcome.TemporaryFailure);
    return new DnssecOutcome<>(outcome, secure ? DnssecStatus.SECURE : DnssecStatus.INSECURE);
  }

  private <T> CompletionStage<T> answer(String key, T outcome) {
    @Nullable Gate gate = gates.get(key);
    return gate == null ? CompletableFuture.completedStage(outcome) : gate.hold(outcome);
  }

  /** The scripted outcomes of the AAAA and A queries of one host. */
  private record AddressPair(DnsOutcome<InetAddress> ipv6, DnsOutcome<InetAddress> ipv4) {
    AddressPair {
      Objects.requireNonNull(ipv6, "ipv6");
      Objects.requireNonNull(ipv4, "ipv4");
    }
  }
}
