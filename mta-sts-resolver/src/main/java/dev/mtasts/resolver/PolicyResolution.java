package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
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
   * @param domain the Policy Domain
   * @param policy the policy
   * @param policyId the TXT id it was fetched under
   * @param policyText the body as served, for TLS-RPT {@code policy-string} (CAC-1)
   * @param fetchedAt when it was fetched
   * @param expiresAt when the cached copy stops being valid
   * @param source where it came from
   * @param trace how the answer was decided
   */
  record Active(PolicyDomain domain, MtaStsPolicy policy, String policyId, String policyText,
      Instant fetchedAt, Instant expiresAt, PolicySource source, ResolutionTrace trace)
      implements PolicyResolution {

    /**
     * Validates the components.
     *
     * @param domain the {@code domain} component
     * @param policy the {@code policy} component
     * @param policyId the {@code policyId} component
     * @param policyText the {@code policyText} component
     * @param fetchedAt the {@code fetchedAt} component
     * @param expiresAt the {@code expiresAt} component
     * @param source the {@code source} component
     * @param trace the {@code trace} component
     * @throws IllegalArgumentException if the policy's mode is {@code none}
     */
    public Active {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(policyId, "policyId");
      Objects.requireNonNull(policyText, "policyText");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(trace, "trace");
      if (policy.mode() == MtaStsMode.NONE) {
        throw new IllegalArgumentException("a mode-none policy is not active; use NoPolicy(MODE_NONE)");
      }
    }

    /**
     * Tells whether failures must stop delivery to an MX (mode {@code enforce}).
     *
     * @return {@code true} for {@link MtaStsMode#ENFORCE}
     */
    public boolean isEnforced() {
      return policy.mode() == MtaStsMode.ENFORCE;
    }

    /**
     * Returns the policy body as TLS-RPT reports it in {@code policy-string} (RFC 8460 §4.5): one
     * element per line, split on LF with a trailing CR removed.
     *
     * @return the lines of the body as served
     */
    public List<String> policyStringLines() {
      List<String> lines = new ArrayList<>();
      for (String line : policyText.split("\n", -1)) {
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return List.copyOf(lines);
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
