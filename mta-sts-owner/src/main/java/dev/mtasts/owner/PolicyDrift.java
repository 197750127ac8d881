package dev.mtasts.owner;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import java.util.Objects;

/**
 * Tells whether a published {@code _mta-sts} id and a policy are in step (RFC 8461 §8.1): the
 * most common real-world failure is a policy changed without a new id, which senders holding the
 * old policy never notice until it expires.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8.1">RFC 8461 §8.1</a>
 */
public final class PolicyDrift {
  private PolicyDrift() {}

  /** What a comparison found. */
  public enum Status {
    /** Id and policy agree. */
    IN_SYNC,
    /** Both the id and the policy changed: a proper update. */
    UPDATED,
    /** The policy changed but the id did not: senders keep the old policy (CAC-13). */
    POLICY_CHANGED_ID_NOT_BUMPED,
    /** The id changed but the policy did not: harmless, but every sender re-fetches. */
    ID_BUMPED_POLICY_IDENTICAL,
    /** The served policy differs from the candidate about to be deployed. */
    SERVED_DIFFERS_FROM_CANDIDATE,
    /** Nothing can be concluded (an id not made by the content strategy, and no history). */
    UNKNOWN
  }

  /**
   * A published id with the policy served at that time.
   *
   * @param id the {@code _mta-sts} id
   * @param policy the policy served
   */
  public record Observation(String id, MtaStsPolicy policy) {
    /**
     * Validates the components.
     *
     * @param id the {@code id} component
     * @param policy the {@code policy} component
     * @throws IllegalArgumentException if the id is not a valid policy id
     */
    public Observation {
      Objects.requireNonNull(policy, "policy");
      if (!MtaStsRecord.isValidId(Objects.requireNonNull(id, "id"))) {
        throw new IllegalArgumentException("invalid policy id '" + id + "'");
      }
    }
  }

  /**
   * Compares two observations of the same domain over time.
   *
   * @param before the earlier observation
   * @param after the later observation
   * @return {@link Status#IN_SYNC}, {@link Status#UPDATED},
   *     {@link Status#POLICY_CHANGED_ID_NOT_BUMPED} or {@link Status#ID_BUMPED_POLICY_IDENTICAL}
   */
  public static Status compare(Observation before, Observation after) {
    boolean sameId = before.id().equals(after.id());
    boolean samePolicy = before.policy().equals(after.policy());
    if (sameId) {
      return samePolicy ? Status.IN_SYNC : Status.POLICY_CHANGED_ID_NOT_BUMPED;
    }
    return samePolicy ? Status.ID_BUMPED_POLICY_IDENTICAL : Status.UPDATED;
  }

  /**
   * Checks one observation alone: a content id (see {@link PolicyIdStrategy#CONTENT}) must equal
   * the content id of the policy served.
   *
   * @param published the published id and the policy served
   * @return {@link Status#IN_SYNC}, {@link Status#POLICY_CHANGED_ID_NOT_BUMPED}, or
   *     {@link Status#UNKNOWN} for ids of another shape
   */
  public static Status check(Observation published) {
    if (!PolicyIds.looksLikeContentId(published.id())) {
      return Status.UNKNOWN;
    }
    return PolicyIds.contentId(published.policy()).equals(published.id()) ? Status.IN_SYNC
        : Status.POLICY_CHANGED_ID_NOT_BUMPED;
  }

  /**
   * Checks a deployment: the candidate policy against what is published now.
   *
   * @param published the published id and the policy served
   * @param candidate the policy about to be deployed
   * @param candidateId the id that will be published with it
   * @return {@link Status#IN_SYNC} when nothing changes, {@link Status#UPDATED} when both change,
   *     {@link Status#POLICY_CHANGED_ID_NOT_BUMPED} when the policy changes under the same id,
   *     {@link Status#ID_BUMPED_POLICY_IDENTICAL} when only the id changes
   */
  public static Status checkDeployment(Observation published, MtaStsPolicy candidate, String candidateId) {
    return compare(published, new Observation(candidateId, candidate));
  }

  /**
   * Tells whether the policy served is the candidate expected to be live.
   *
   * @param published the published id and the policy served
   * @param candidate the policy that should be served
   * @return {@link Status#IN_SYNC} or {@link Status#SERVED_DIFFERS_FROM_CANDIDATE}
   */
  public static Status servedMatchesCandidate(Observation published, MtaStsPolicy candidate) {
    return published.policy().equals(candidate) ? Status.IN_SYNC : Status.SERVED_DIFFERS_FROM_CANDIDATE;
  }
}
