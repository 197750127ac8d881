package dev.mtasts.resolver.delivery;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.core.tls.TlsFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to deliver to one domain under its resolved policy: every MX host in preference order with
 * the TLS it must offer (RFC 8461 §4, §5).
 *
 * <pre>{@code
 * DeliveryPlan plan = DeliveryPlan.of(resolution, mxRecords);
 * for (MxCandidate c : plan.candidates()) {
 *   if (!c.mayAttempt()) continue;            // skipped like an unreachable host (APP-5)
 *   // connect to c.host(); demand STARTTLS and use MtaStsTrustManager / MtaStsHostnameVerifier
 *   // when c.stsChecksApply(); on failure with c.failuresAreFatal(), try the next candidate;
 *   // c.refusal() != null on an attempted host (testing, MX not in the policy): the session
 *   // counts as that validation-failure for TLS-RPT, once (RPT-32)
 * }
 * // every candidate failed under enforce: resolver.recheckBeforeFailure(domain) (CAC-12), then
 * // keep the message queued: MTA-STS failures are temporary (APP-4)
 * }</pre>
 *
 * <p>The whole MX list is kept, hosts not allowed included, so that a caller never "filters and
 * then delivers without policy" (APP-5, §8.4). With no MX records the domain itself is the host
 * (APP-9); a null MX (RFC 7505) yields no candidates.
 *
 * <p>DANE (APP-6): a host whose DANE validation failed is {@link TlsRequirement#NOT_ALLOWED}
 * whatever the MTA-STS mode; a host with usable TLSA records is governed by DANE alone
 * ({@link TlsRequirement#DANE}), the choice RFC 8461 §2 leaves open and most MTAs make.
 */
public final class DeliveryPlan {
  /** The TLS-RPT reason code for an MX host that no policy pattern covers (as mox reports it). */
  public static final String MX_MISMATCH_REASON = "mtasts-policy-mx-mismatch";

  private final PolicyResolution resolution;
  private final List<MxCandidate> candidates;

  private DeliveryPlan(PolicyResolution resolution, List<MxCandidate> candidates) {
    this.resolution = resolution;
    this.candidates = List.copyOf(candidates);
  }

  /**
   * Plans a delivery without DANE.
   *
   * @param resolution the resolved policy
   * @param mxRecords the domain's MX records, in any order
   * @return the plan
   */
  public static DeliveryPlan of(PolicyResolution resolution, List<MxRecord> mxRecords) {
    return of(resolution, mxRecords, DaneCheck.NONE);
  }

  /**
   * Plans a delivery, letting DANE govern the hosts it applies to.
   *
   * @param resolution the resolved policy
   * @param mxRecords the domain's MX records, in any order; empty for an implicit MX (APP-9)
   * @param dane the caller's DANE verdicts
   * @return the plan
   */
  public static DeliveryPlan of(PolicyResolution resolution, List<MxRecord> mxRecords, DaneCheck dane) {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(dane, "dane");
    PolicyDomain domain = resolution.domain();
    List<MxRecord> ordered = new ArrayList<>(mxRecords);
    if (ordered.isEmpty()) {
      ordered.add(new MxRecord(0, domain.name()));
    }
    if (ordered.stream().anyMatch(MxRecord::isNullMx)) {
      return new DeliveryPlan(resolution, List.of());
    }
    ordered.sort(Comparator.comparingInt(MxRecord::preference));
    MtaStsPolicy policy = resolution instanceof PolicyResolution.Active a ? a.policy() : null;
    boolean enforce = resolution instanceof PolicyResolution.Active a && a.isEnforced();
    List<MxCandidate> out = new ArrayList<>(ordered.size());
    for (MxRecord mx : ordered) {
      boolean match = policy == null || policy.matches(mx.host());
      TlsFailure mismatch = match || policy == null ? null : new TlsFailure(TlsRptResultType.VALIDATION_FAILURE,
          MX_MISMATCH_REASON, "MX host " + mx.host() + " is not covered by any mx pattern of the policy of "
              + domain + " " + policy.mx());
      DaneStatus daneStatus = Objects.requireNonNull(dane.status(mx), "DANE status");
      if (daneStatus == DaneStatus.FAILED) {
        out.add(new MxCandidate(domain, mx, TlsRequirement.NOT_ALLOWED, match, new TlsFailure(
            TlsRptResultType.VALIDATION_FAILURE, "dane-validation-failed",
            "DANE validation of " + mx.host() + " failed; MTA-STS never overrides it (RFC 8461 §2)")));
      } else if (daneStatus == DaneStatus.USABLE) {
        out.add(new MxCandidate(domain, mx, TlsRequirement.DANE, match, null));
      } else if (policy == null) {
        out.add(new MxCandidate(domain, mx, TlsRequirement.OPPORTUNISTIC, true, null));
      } else if (enforce) {
        out.add(new MxCandidate(domain, mx, match ? TlsRequirement.STS_ENFORCE : TlsRequirement.NOT_ALLOWED,
            match, mismatch));
      } else {
        out.add(new MxCandidate(domain, mx, TlsRequirement.STS_TESTING, match, mismatch));
      }
    }
    return new DeliveryPlan(resolution, out);
  }

  /**
   * Returns the resolution the plan applies.
   *
   * @return the resolution
   */
  public PolicyResolution resolution() {
    return resolution;
  }

  /**
   * Returns the MX hosts in preference order (ties keep DNS order), hosts not allowed included.
   *
   * @return the candidates
   */
  public List<MxCandidate> candidates() {
    return candidates;
  }

  /**
   * Returns the active policy, if one applies.
   *
   * @return the policy in mode {@code enforce} or {@code testing}, or empty
   */
  public Optional<MtaStsPolicy> policy() {
    return resolution instanceof PolicyResolution.Active a ? Optional.of(a.policy()) : Optional.empty();
  }

  /**
   * Tells whether the policy is enforced: when every candidate fails, re-check the TXT record
   * with {@code MtaStsResolver.recheckBeforeFailure} before giving up (CAC-12), and treat the
   * failure as temporary (APP-4).
   *
   * @return {@code true} under an {@code enforce} policy
   */
  public boolean isEnforced() {
    return resolution instanceof PolicyResolution.Active a && a.isEnforced();
  }
}
