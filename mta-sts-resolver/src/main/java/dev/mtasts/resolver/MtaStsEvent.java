package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Something a resolver decided or observed. Failures carry the RFC 8460 result type a TLS-RPT
 * report would use.
 */
public sealed interface MtaStsEvent {

  /**
   * Returns the Policy Domain concerned.
   *
   * @return the domain
   */
  PolicyDomain domain();

  /**
   * Returns the RFC 8460 result type of a failure event.
   *
   * @return the result type, or empty for events that are not failures
   */
  default Optional<TlsRptResultType> resultType() {
    return Optional.empty();
  }

  /**
   * A resolution was answered; sent for every call, cached answers included.
   *
   * @param resolution the answer
   */
  record Resolved(PolicyResolution resolution) implements MtaStsEvent {
    /**
     * Validates the resolution.
     *
     * @param resolution the {@code resolution} component
     */
    public Resolved {
      Objects.requireNonNull(resolution, "resolution");
    }

    @Override
    public PolicyDomain domain() {
      return resolution.domain();
    }
  }

  /**
   * A policy was fetched successfully.
   *
   * @param domain the domain
   * @param reason why it was fetched
   * @param outcome the fetch
   * @param at when the fetch completed
   */
  record PolicyFetched(PolicyDomain domain, FetchReason reason, PolicyFetchOutcome.Fetched outcome,
      Instant at) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param reason the {@code reason} component
     * @param outcome the {@code outcome} component
     * @param at the {@code at} component
     */
    public PolicyFetched {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * A policy fetch failed (APP-7: reportable while the TXT record is valid or a policy is cached).
   *
   * @param domain the domain
   * @param reason why it was fetched
   * @param outcome the failure
   * @param cachedPolicy the valid cached policy that stays in use (CAC-6), or {@code null}
   * @param at when the fetch failed
   */
  record PolicyFetchFailed(PolicyDomain domain, FetchReason reason, PolicyFetchOutcome.Failed outcome,
      @Nullable StoredPolicy cachedPolicy, Instant at) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param reason the {@code reason} component
     * @param outcome the {@code outcome} component
     * @param cachedPolicy the {@code cachedPolicy} component
     * @param at the {@code at} component
     */
    public PolicyFetchFailed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Optional<TlsRptResultType> resultType() {
      return Optional.of(outcome.resultType());
    }

    /**
     * Tells whether a valid cached policy stays in use.
     *
     * @return {@code true} when {@link #cachedPolicy()} is present
     */
    public boolean cachedPolicyInUse() {
      return cachedPolicy != null;
    }
  }

  /**
   * A proactive refresh failed while a policy in mode {@code enforce} or {@code testing} is cached:
   * administrators should hear of it long before the cached policy expires (CAC-9, SEC-2).
   *
   * @param domain the domain
   * @param cached the cached entry that stays in use
   * @param failure the failed fetch
   * @param timeToExpiry how long the cached policy remains valid
   */
  record RefreshFailed(PolicyDomain domain, StoredPolicy cached, PolicyFetchOutcome.Failed failure,
      Duration timeToExpiry) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param cached the {@code cached} component
     * @param failure the {@code failure} component
     * @param timeToExpiry the {@code timeToExpiry} component
     */
    public RefreshFailed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(cached, "cached");
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(timeToExpiry, "timeToExpiry");
    }

    @Override
    public Optional<TlsRptResultType> resultType() {
      return Optional.of(failure.resultType());
    }
  }

  /**
   * A re-fetched body differs from the cached one while the TXT id is unchanged: the owner changed
   * the policy without publishing a new id. The new body was adopted.
   *
   * @param domain the domain
   * @param policyId the unchanged id
   * @param previous the policy cached before
   * @param current the policy now served and adopted
   */
  record PolicyChangedWithoutNewId(PolicyDomain domain, String policyId, MtaStsPolicy previous,
      MtaStsPolicy current) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param policyId the {@code policyId} component
     * @param previous the {@code previous} component
     * @param current the {@code current} component
     */
    public PolicyChangedWithoutNewId {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(policyId, "policyId");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(current, "current");
    }
  }

  /**
   * The {@code _mta-sts} TXT lookup failed temporarily.
   *
   * @param domain the domain
   * @param failure the DNS failure
   * @param cachedPolicyInUse whether a valid cached policy stays in use (CAC-6, SEC-3)
   */
  record TxtLookupFailed(PolicyDomain domain, DnsOutcome.TemporaryFailure<String> failure,
      boolean cachedPolicyInUse) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param failure the {@code failure} component
     * @param cachedPolicyInUse the {@code cachedPolicyInUse} component
     */
    public TxtLookupFailed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * The policy store failed; the resolver went on as configured.
   *
   * @param domain the domain being resolved
   * @param operation {@code "load"}, {@code "save"} or {@code "loadAll"}
   * @param cause what the store reported
   */
  record StoreFailed(PolicyDomain domain, String operation, Throwable cause) implements MtaStsEvent {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param operation the {@code operation} component
     * @param cause the {@code cause} component
     */
    public StoreFailed {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(cause, "cause");
    }
  }
}
