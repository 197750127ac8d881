package dev.mtasts.testing;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
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
 *     .putMx("example.com", new MxRecord(10, "mx.example.com"));
 * dns.failTxt("_mta-sts.broken.example", DnsFailure.SERVFAIL);
 * }</pre>
 */
public final class FakeDnsLookup implements DnsLookup {
  private final Map<String, DnsOutcome<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, DnsOutcome<MxRecord>> mx = new ConcurrentHashMap<>();
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> txtQueries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> mxQueries = new ConcurrentHashMap<>();

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
   * Holds every answer for {@code name} (TXT and MX) until the returned gate is released.
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

  private <T> CompletionStage<T> answer(String key, T outcome) {
    @Nullable Gate gate = gates.get(key);
    return gate == null ? CompletableFuture.completedStage(outcome) : gate.hold(outcome);
  }
}
