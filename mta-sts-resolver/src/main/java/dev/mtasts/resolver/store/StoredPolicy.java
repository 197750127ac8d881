package dev.mtasts.resolver.store;

import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.PolicyDomain;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One cached policy, as a store keeps it (CAC-1): the domain, the TXT id seen when it was
 * fetched, the policy body exactly as served, when it was fetched and until when it may be used.
 *
 * <p>{@code fetchedAt} doubles as the entry's version: a store never replaces an entry with one
 * fetched earlier, so concurrent writers (several resolvers on one shared store) converge on the
 * newest fetch. A {@code fetchedAt} in the future (the wall clock was stepped back after the
 * fetch, or the file was tampered with) is no version at all: see
 * {@link #supersedes(StoredPolicy, Instant)} and {@link #clampedTo(Instant)} (CAC-20).
 *
 * <p>Both instants lie between {@link #EARLIEST} and {@link #LATEST}, so that arithmetic on them
 * (milliseconds since the epoch, durations) can never overflow (CAC-21).
 *
 * <p>Immutable, with the value semantics of a record of the five components
 * ({@code equals}, {@code hashCode} and {@code toString} cover them). The two times are kept as
 * numbers (seconds and nanoseconds since the epoch) and handed out as new {@code Instant}s, so
 * that a cache of many entries holds no {@code Instant} objects (SEC-45).
 */
public final class StoredPolicy {
  /** The earliest {@code fetchedAt} or {@code expiresAt}: 1970-01-01T00:00:00Z. */
  public static final Instant EARLIEST = Instant.EPOCH;
  /** The latest {@code fetchedAt} or {@code expiresAt}: 9999-12-31T23:59:59Z. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final PolicyDomain domain;
  private final String policyId;
  private final String policyText;
  private final long fetchedSeconds;
  private final long expiresSeconds;
  private final int fetchedNanos;
  private final int expiresNanos;

  /**
   * Creates an entry.
   *
   * @param domain the Policy Domain
   * @param policyId the {@code id} of the {@code _mta-sts} record seen when the policy was fetched
   * @param policyText the body as served (decoded as UTF-8); parsed again on load
   * @param fetchedAt when the body was fetched (or last re-fetched unchanged, CAC-15)
   * @param expiresAt {@code fetchedAt} plus the policy's {@code max_age}, clamped (CAC-11)
   * @throws IllegalArgumentException if the id is not a valid policy id, {@code expiresAt} is
   *     before {@code fetchedAt}, or either lies outside {@link #EARLIEST} to {@link #LATEST}
   */
  public StoredPolicy(PolicyDomain domain, String policyId, String policyText, Instant fetchedAt, Instant expiresAt) {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(policyText, "policyText");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!MtaStsRecord.isValidId(policyId)) {
      throw new IllegalArgumentException("invalid policy id '" + policyId + "'");
    }
    if (fetchedAt.isBefore(EARLIEST) || expiresAt.isAfter(LATEST)) {
      throw new IllegalArgumentException("fetchedAt " + fetchedAt + " and expiresAt " + expiresAt
          + " must lie between " + EARLIEST + " and " + LATEST);
    }
    if (expiresAt.isBefore(fetchedAt)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is before fetchedAt " + fetchedAt);
    }
    this.domain = domain;
    this.policyId = policyId;
    this.policyText = policyText;
    this.fetchedSeconds = fetchedAt.getEpochSecond();
    this.fetchedNanos = fetchedAt.getNano();
    this.expiresSeconds = expiresAt.getEpochSecond();
    this.expiresNanos = expiresAt.getNano();
  }

  /**
   * Returns the Policy Domain.
   *
   * @return the domain
   */
  public PolicyDomain domain() {
    return domain;
  }

  /**
   * Returns the {@code id} of the {@code _mta-sts} record seen when the policy was fetched.
   *
   * @return the policy id
   */
  public String policyId() {
    return policyId;
  }

  /**
   * Returns the body as served (decoded as UTF-8), for TLS-RPT {@code policy-string} (CAC-1).
   *
   * @return the body
   */
  public String policyText() {
    return policyText;
  }

  /**
   * Returns when the body was fetched (or last re-fetched unchanged, CAC-15).
   *
   * @return the fetch time
   */
  public Instant fetchedAt() {
    return Instant.ofEpochSecond(fetchedSeconds, fetchedNanos);
  }

  /**
   * Returns until when the entry may be used: {@code fetchedAt} plus the policy's
   * {@code max_age}, clamped (CAC-11).
   *
   * @return the expiry time
   */
  public Instant expiresAt() {
    return Instant.ofEpochSecond(expiresSeconds, expiresNanos);
  }

  /** Compares the fetch times without making {@code Instant}s. */
  private int compareFetched(StoredPolicy other) {
    int c = Long.compare(fetchedSeconds, other.fetchedSeconds);
    return c != 0 ? c : Integer.compare(fetchedNanos, other.fetchedNanos);
  }

  /**
   * Parses the stored body the way a sender reads a fetched one.
   *
   * @return the policy
   * @throws dev.mtasts.core.MtaStsParseException if the stored text is not a valid policy (a
   *     corrupt or tampered store)
   */
  public MtaStsPolicy parsePolicy() {
    LenientPolicy read = MtaStsPolicy.parseLenient(policyText);
    return read.policy();
  }

  /**
   * Tells whether the entry may still be used (CAC-1: valid while {@code now < expiresAt}).
   *
   * @param now the current time
   * @return {@code true} before {@code expiresAt}
   */
  public boolean isValidAt(Instant now) {
    return now.isBefore(expiresAt());
  }

  /**
   * Tells whether this entry should replace {@code other} in a store (CAC-20). It must be for the
   * same domain, and then:
   * <ul>
   *   <li>if {@code other} was fetched in the future (after {@code now}), this entry replaces it
   *       unless this one is in the future too and earlier: a time in the future is not a version
   *       that can be trusted (the wall clock was stepped back, or the entry was forged), and
   *       otherwise it would win against every real fetch until the clock caught up;
   *   <li>otherwise this entry replaces it when it was fetched at the same time or later.
   * </ul>
   *
   * @param other the entry currently stored
   * @param now the store's current time
   * @return {@code true} when this entry should be stored instead of {@code other}
   */
  public boolean supersedes(StoredPolicy other, Instant now) {
    if (!domain.equals(other.domain)) {
      return false;
    }
    if (other.fetchedAt().isAfter(now) && !fetchedAt().isAfter(now)) {
      return true;
    }
    return compareFetched(other) >= 0;
  }

  /**
   * Returns this entry as a store hands it out at {@code now} (CAC-20, CAC-11): a {@code fetchedAt}
   * in the future becomes {@code now}, with {@code expiresAt} moved along so that the entry lives no
   * longer from now than it would have from its fetch; and no entry lives longer than
   * {@link MtaStsPolicy#MAX_MAX_AGE} (31557600 s) from its fetch.
   *
   * @param now the store's current time
   * @return this entry, or a clamped copy
   */
  public StoredPolicy clampedTo(Instant now) {
    Instant fetchedAt = fetchedAt();
    Instant expiresAt = expiresAt();
    Duration lifetime = Duration.between(fetchedAt, expiresAt);
    if (lifetime.compareTo(MtaStsPolicy.MAX_MAX_AGE) > 0) {
      lifetime = MtaStsPolicy.MAX_MAX_AGE;
    }
    Instant fetched = fetchedAt.isAfter(now) ? now : fetchedAt;
    Instant expires = fetched.plus(lifetime);
    if (fetched.equals(fetchedAt) && expires.equals(expiresAt)) {
      return this;
    }
    return new StoredPolicy(domain, policyId, policyText, fetched, expires.isAfter(LATEST) ? LATEST : expires);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredPolicy other && domain.equals(other.domain) && policyId.equals(other.policyId)
        && policyText.equals(other.policyText) && fetchedSeconds == other.fetchedSeconds
        && fetchedNanos == other.fetchedNanos && expiresSeconds == other.expiresSeconds
        && expiresNanos == other.expiresNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, policyId, policyText, fetchedAt(), expiresAt());
  }

  /** The record-style text: {@code StoredPolicy[domain=..., policyId=..., ...]}. */
  @Override
  public String toString() {
    return "StoredPolicy[domain=" + domain + ", policyId=" + policyId + ", policyText=" + policyText
        + ", fetchedAt=" + fetchedAt() + ", expiresAt=" + expiresAt() + "]";
  }
}
