package dev.mtasts.testing;

import dev.mtasts.core.dns.AddressOutcomes;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 */
public final class FakeDnsLookup implements DnsLookup {
  private final Map<String, DnsOutcome<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, DnsOutcome<MxRecord>> mx = new ConcurrentHashMap<>();
  private final Map<String, AddressPair> addresses = new ConcurrentHashMap<>();
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
