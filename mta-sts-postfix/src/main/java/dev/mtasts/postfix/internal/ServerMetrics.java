package dev.mtasts.postfix.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's own meters (MON rules of docs/postfix.md). Tags take values from fixed sets only:
 * the configured zone names (anything else is {@code unknown}) and the answer kinds, so a client
 * cannot grow the number of time series.
 *
 * <ul>
 *   <li>{@code mtasts.postfix.queries} (counter; tags {@code zone}, {@code answer}): answered
 *       queries, by answer kind ({@code secure}, {@code dane-only}, {@code dane},
 *       {@code notfound}, {@code temp}, {@code timeout}, {@code perm});
 *   <li>{@code mtasts.postfix.query.duration} (timer; tag {@code zone}): from a request's arrival
 *       to its answer;
 *   <li>{@code mtasts.postfix.connections.open} (gauge), {@code mtasts.postfix.connections.refused}
 *       (counter: over {@code max_connections} or during shutdown);
 *   <li>{@code mtasts.postfix.requests.oversized} and {@code mtasts.postfix.requests.malformed}
 *       (counters).
 * </ul>
 */
public final class ServerMetrics {
  private final MeterRegistry registry;
  private final Set<String> zones;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private final Counter oversized;
  private final Counter malformed;
  /** Query counters by zone, then answer kind: looked up without building a key per query. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, Counter>>
      counters = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Registers the meters.
   *
   * @param registry where
   * @param zones the configured zone names
   */
  public ServerMetrics(MeterRegistry registry, Set<String> zones) {
    this.registry = registry;
    this.zones = Set.copyOf(zones);
    Gauge.builder("mtasts.postfix.connections.open", open, AtomicInteger::get)
        .description("Open socketmap connections").register(registry);
    refused = Counter.builder("mtasts.postfix.connections.refused")
        .description("Connections closed at once: over max_connections or shutting down").register(registry);
    oversized = Counter.builder("mtasts.postfix.requests.oversized")
        .description("Requests over max_request_bytes (answered PERM, connection closed)").register(registry);
    malformed = Counter.builder("mtasts.postfix.requests.malformed")
        .description("Requests that are not netstrings of 'name key' (answered PERM, connection closed)")
        .register(registry);
  }

  private String zoneTag(String zone) {
    return zones.contains(zone) ? zone : "unknown";
  }

  /**
   * Counts an answered query.
   *
   * @param zone the table name as requested
   * @param answer the answer kind
   * @param nanos how long it took
   */
  public void query(String zone, String answer, long nanos) {
    String z = zoneTag(zone);
    // Looked up, not built: registering a meter per query (tags sorted, the registry's map
    // searched) was a large part of a cached lookup's cost. Zones and answer kinds are few.
    counters.computeIfAbsent(z, k -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(answer, k -> Counter.builder("mtasts.postfix.queries").tag("zone", z)
            .tag("answer", answer).description("Answered socketmap queries by zone and answer kind").register(registry))
        .increment();
    timers.computeIfAbsent(z, k -> Timer.builder("mtasts.postfix.query.duration").tag("zone", z)
        .description("Time from a request's arrival to its answer").register(registry))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Counts a connection opened. */
  public void opened() {
    open.incrementAndGet();
  }

  /** Counts a connection closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** Counts a refused connection. */
  public void refused() {
    refused.increment();
  }

  /** Counts an oversized request. */
  public void oversized() {
    oversized.increment();
  }

  /** Counts a malformed request. */
  public void malformed() {
    malformed.increment();
  }
}
