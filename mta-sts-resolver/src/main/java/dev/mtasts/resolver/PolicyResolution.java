package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer to "which policy applies to mail for this domain right now?".
 *
 * @see MtaStsResolver#resolve(PolicyDomain)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
public sealed interface PolicyResolution
    permits PolicyResolution.Active, PolicyResolution.NoPolicy, PolicyResolution.Deferred {

  /**
   * Returns the Policy Domain.
   *
   * @return the domain resolved
   */
  PolicyDomain domain();

  /**
   * Returns how the answer was decided.
   *
   * @return the trace
   */
  ResolutionTrace trace();

  /**
   * A policy in mode {@code enforce} or {@code testing} applies.
   *
   * <p>Immutable, with the value semantics of a record of the eight components of its
   * constructor ({@code equals}, {@code hashCode} and {@code toString} cover them). It keeps the
   * resolver's cached entry rather than copies of its parts, so that the answer a cached domain
   * holds ready costs one small object (SEC-45); {@link #fetchedAt()} and {@link #expiresAt()}
   * make new {@code Instant}s.
   */
  final class Active implements PolicyResolution {
    private final DomainState.Entry entry;
    private final PolicySource source;
    private final ResolutionTrace trace;

    /**
     * Creates an answer.
     *
     * @param domain the Policy Domain
     * @param policy the policy
     * @param policyId the TXT id it was fetched under
     * @param policyText the body as served, for TLS-RPT {@code policy-string} (CAC-1)
     * @param fetchedAt when it was fetched
     * @param expiresAt when the cached copy stops being valid
     * @param source where it came from
     * @param trace how the answer was decided
     * @throws IllegalArgumentException if the policy's mode is {@code none}, or the id and times
     *     are not what a {@link StoredPolicy} accepts (a valid policy id; times from 1970 to 9999,
     *     {@code expiresAt} not before {@code fetchedAt})
     */
    public Active(PolicyDomain domain, MtaStsPolicy policy, String policyId, String policyText,
        Instant fetchedAt, Instant expiresAt, PolicySource source, ResolutionTrace trace) {
      this(new DomainState.Entry(new StoredPolicy(Objects.requireNonNull(domain, "domain"),
          Objects.requireNonNull(policyId, "policyId"), Objects.requireNonNull(policyText, "policyText"),
          Objects.requireNonNull(fetchedAt, "fetchedAt"), Objects.requireNonNull(expiresAt, "expiresAt")),
          Objects.requireNonNull(policy, "policy"), 0, 0), source, trace);
    }

    /** The resolver's answer from its cached entry. */
    Active(DomainState.Entry entry, PolicySource source, ResolutionTrace trace) {
      this.entry = entry;
      this.source = Objects.requireNonNull(source, "source");
      this.trace = Objects.requireNonNull(trace, "trace");
      if (entry.policy().mode() == MtaStsMode.NONE) {
        throw new IllegalArgumentException("a mode-none policy is not active; use NoPolicy(MODE_NONE)");
      }
    }

    /** The same policy from another source, with another trace. */
    Active with(PolicySource otherSource, ResolutionTrace otherTrace) {
      return new Active(entry, otherSource, otherTrace);
    }

    @Override
    public PolicyDomain domain() {
      return entry.stored().domain();
    }

    /**
     * Returns the policy.
     *
     * @return the policy
     */
    public MtaStsPolicy policy() {
      return entry.policy();
    }

    /**
     * Returns the TXT id the policy was fetched under.
     *
     * @return the policy id
     */
    public String policyId() {
      return entry.stored().policyId();
    }

    /**
     * Returns the body as served, for TLS-RPT {@code policy-string} (CAC-1).
     *
     * @return the body
     */
    public String policyText() {
      return entry.stored().policyText();
    }

    /**
     * Returns when the policy was fetched.
     *
     * @return the fetch time
     */
    public Instant fetchedAt() {
      return entry.stored().fetchedAt();
    }

    /**
     * Returns when the cached copy stops being valid.
     *
     * @return the expiry time
     */
    public Instant expiresAt() {
      return entry.stored().expiresAt();
    }

    /**
     * Returns where the policy came from.
     *
     * @return the source
     */
    public PolicySource source() {
      return source;
    }

    @Override
    public ResolutionTrace trace() {
      return trace;
    }

    /**
     * Tells whether failures must stop delivery to an MX (mode {@code enforce}).
     *
     * @return {@code true} for {@link MtaStsMode#ENFORCE}
     */
    public boolean isEnforced() {
      return policy().mode() == MtaStsMode.ENFORCE;
    }

    /**
     * Returns the policy body as TLS-RPT reports it in {@code policy-string} (RFC 8460 §4.5): one
     * element per line, split on LF with a trailing CR removed.
     *
     * @return the lines of the body as served
     */
    public List<String> policyStringLines() {
      List<String> lines = new ArrayList<>();
      for (String line : policyText().split("\n", -1)) {
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return List.copyOf(lines);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Active other && entry.stored().equals(other.entry.stored())
          && policy().equals(other.policy()) && source == other.source && trace.equals(other.trace);
    }

    @Override
    public int hashCode() {
      return Objects.hash(domain(), policy(), policyId(), policyText(), fetchedAt(), expiresAt(), source, trace);
    }

    /** The record-style text: {@code Active[domain=..., policy=..., ...]}. */
    @Override
    public String toString() {
      return "Active[domain=" + domain() + ", policy=" + policy() + ", policyId=" + policyId() + ", policyText="
          + policyText() + ", fetchedAt=" + fetchedAt() + ", expiresAt=" + expiresAt() + ", source=" + source
          + ", trace=" + trace + "]";
    }
  }

  /**
   * Deliver without MTA-STS: opportunistic TLS, no MX restriction.
   *
   * @param domain the Policy Domain
   * @param reason why there is no policy
   * @param trace how the answer was decided
   */
  record NoPolicy(PolicyDomain domain, NoPolicyReason reason, ResolutionTrace trace)
      implements PolicyResolution {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param reason the {@code reason} component
     * @param trace the {@code trace} component
     */
    public NoPolicy {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(trace, "trace");
    }
  }

  /**
   * Keep the message queued and try again later: whether a policy applies cannot be told now and
   * the resolver is configured to fail closed ({@link FailureHandling#DEFER}).
   *
   * @param domain the Policy Domain
   * @param reason what failed
   * @param message a human-readable explanation
   * @param trace how the answer was decided
   */
  record Deferred(PolicyDomain domain, DeferReason reason, String message, ResolutionTrace trace)
      implements PolicyResolution {
    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param reason the {@code reason} component
     * @param message the {@code message} component
     * @param trace the {@code trace} component
     */
    public Deferred {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(trace, "trace");
    }
  }
}
