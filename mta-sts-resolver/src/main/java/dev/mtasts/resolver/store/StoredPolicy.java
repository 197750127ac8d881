package dev.mtasts.resolver.store;

import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.PolicyDomain;
import java.time.Instant;
import java.util.Objects;

/**
 * One cached policy, as a store keeps it (CAC-1): the domain, the TXT id seen when it was
 * fetched, the policy body exactly as served, when it was fetched and until when it may be used.
 *
 * <p>{@code fetchedAt} doubles as the entry's version: a store never replaces an entry with one
 * fetched earlier, so concurrent writers (several resolvers on one shared store) converge on the
 * newest fetch.
 *
 * @param domain the Policy Domain
 * @param policyId the {@code id} of the {@code _mta-sts} record seen when the policy was fetched
 * @param policyText the body as served (decoded as UTF-8); parsed again on load
 * @param fetchedAt when the body was fetched (or last re-fetched unchanged, CAC-15)
 * @param expiresAt {@code fetchedAt} plus the policy's {@code max_age}, clamped (CAC-11)
 */
public record StoredPolicy(
    PolicyDomain domain, String policyId, String policyText, Instant fetchedAt, Instant expiresAt) {

  /**
   * Validates the components.
   *
   * @param domain the {@code domain} component
   * @param policyId the {@code policyId} component
   * @param policyText the {@code policyText} component
   * @param fetchedAt the {@code fetchedAt} component
   * @param expiresAt the {@code expiresAt} component
   * @throws IllegalArgumentException if the id is not a valid policy id or {@code expiresAt} is
   *     before {@code fetchedAt}
   */
  public StoredPolicy {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(policyText, "policyText");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!MtaStsRecord.isValidId(policyId)) {
      throw new IllegalArgumentException("invalid policy id '" + policyId + "'");
    }
    if (expiresAt.isBefore(fetchedAt)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is before fetchedAt " + fetchedAt);
    }
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
    return now.isBefore(expiresAt);
  }

  /**
   * Tells whether this entry should replace {@code other} in a store: it is for the same domain
   * and was fetched at the same time or later.
   *
   * @param other the entry currently stored
   * @return {@code true} when this entry is at least as new
   */
  public boolean supersedes(StoredPolicy other) {
    return domain.equals(other.domain) && !fetchedAt.isBefore(other.fetchedAt);
  }
}
