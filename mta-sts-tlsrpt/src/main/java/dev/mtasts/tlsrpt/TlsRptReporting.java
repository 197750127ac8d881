package dev.mtasts.tlsrpt;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.resolver.FetchReason;
import dev.mtasts.resolver.MtaStsEvent;
import dev.mtasts.resolver.MtaStsListener;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.resolver.delivery.TlsCheckListener;
import dev.mtasts.core.tls.TlsFailure;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Connects the MTA-STS resolver and the delivery path to a {@link TlsRptRecorder}.
 *
 * <pre>{@code
 * TlsRptRecorder recorder = TlsRptRecorder.builder().build();
 * MtaStsResolver resolver = MtaStsResolver.builder()
 *     .dnsLookup(dns).policyFetcher(fetcher)
 *     .addListener(TlsRptReporting.resolverListener(recorder))   // the one call: fetch failures
 *     .build();
 *
 * // per delivery:
 * PolicyResolution resolution = resolver.resolve(domain).toCompletableFuture().join();
 * TlsRptReporting.SessionReporter sessions = TlsRptReporting.sessions(recorder, resolution);
 * MtaStsTrustManager tm = MtaStsTrustManager.forCandidate(candidate, sessions);  // records each handshake
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 */
public final class TlsRptReporting {
  private TlsRptReporting() {}

  /**
   * Returns a resolver listener that records every failed policy fetch as a failure of the
   * domain's policy (APP-7): against the cached policy when one stays in use, else against an
   * {@code sts} policy without strings. Fetches while a cached policy of mode {@code none} is in
   * use are not reported (CAC-10).
   *
   * @param recorder the recorder
   * @return the listener to add to the resolver's builder
   */
  public static MtaStsListener resolverListener(TlsRptRecorder recorder) {
    Objects.requireNonNull(recorder, "recorder");
    return event -> {
      if (!(event instanceof MtaStsEvent.PolicyFetchFailed failed)) {
        return;
      }
      StoredPolicy cached = failed.cachedPolicy();
      ReportPolicy policy;
      if (cached == null) {
        if (failed.reason() == FetchReason.REFRESH) {
          return;
        }
        policy = ReportPolicy.stsWithoutPolicy(failed.domain());
      } else {
        MtaStsPolicy p;
        try {
          p = cached.parsePolicy();
        } catch (MtaStsParseException e) {
          return;
        }
        if (p.mode() == MtaStsMode.NONE) {
          return;
        }
        policy = ReportPolicy.sts(failed.domain(), p, cached.policyText());
      }
      recorder.record(policy, SessionOutcome.policyFetchFailure(failed.outcome()));
    };
  }

  /**
   * Returns the report descriptor of a resolution: the active policy, or {@code no-policy-found}
   * (also for mode {@code none}, as checklist h3 recommends).
   *
   * @param resolution the resolution
   * @return the descriptor
   */
  public static ReportPolicy reportPolicy(PolicyResolution resolution) {
    if (resolution instanceof PolicyResolution.Active a) {
      return ReportPolicy.sts(a.domain(), a.policy(), a.policyText());
    }
    return ReportPolicy.noPolicyFound(resolution.domain());
  }

  /**
   * Returns a reporter for the sessions of one delivery under one resolution.
   *
   * @param recorder the recorder
   * @param resolution the resolution the delivery applies
   * @return the reporter; also a {@link TlsCheckListener} for the MTA-STS trust manager
   */
  public static SessionReporter sessions(TlsRptRecorder recorder, PolicyResolution resolution) {
    return new SessionReporter(recorder, resolution.domain(), reportPolicy(resolution));
  }

  /**
   * Records the TLS sessions of one delivery. As a {@link TlsCheckListener} it records a success
   * for every handshake whose certificate passes and a failure, with its result type and reason
   * code, for every one that does not; the caller records what happens outside the handshake.
   */
  public static final class SessionReporter implements TlsCheckListener {
    private final TlsRptRecorder recorder;
    private final PolicyDomain domain;
    private final ReportPolicy policy;

    private SessionReporter(TlsRptRecorder recorder, PolicyDomain domain, ReportPolicy policy) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      this.domain = domain;
      this.policy = policy;
    }

    /**
     * Returns the descriptor sessions are recorded under.
     *
     * @return the report policy
     */
    public ReportPolicy policy() {
      return policy;
    }

    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {
      recorder.record(policy, SessionOutcome.success());
    }

    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
      recorder.record(policy, SessionOutcome.failure(failure.resultType()).receivingMxHostname(candidate.host())
          .failureReasonCode(failure.reasonCode()).build());
    }

    /**
     * Records a session that succeeded without the MTA-STS trust manager (opportunistic TLS
     * without a policy, or DANE).
     *
     * @param candidate the MX host
     */
    public void succeeded(MxCandidate candidate) {
      recorder.record(policy, SessionOutcome.success());
    }

    /**
     * Records that the MX host did not offer or accept STARTTLS.
     *
     * @param candidate the MX host
     */
    public void starttlsNotSupported(MxCandidate candidate) {
      recorder.record(policy, SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED)
          .receivingMxHostname(candidate.host()).build());
    }

    /**
     * Records that the plan did not allow the MX host, or that it failed the policy in mode
     * {@code testing} (the candidate's refusal, such as {@code mtasts-policy-mx-mismatch}).
     *
     * @param candidate the MX host
     * @throws IllegalArgumentException if the candidate has no refusal
     */
    public void refused(MxCandidate candidate) {
      TlsFailure refusal = candidate.refusal();
      if (refusal == null) {
        throw new IllegalArgumentException(candidate.host() + " of " + domain + " was not refused");
      }
      recorder.record(policy, SessionOutcome.failure(refusal.resultType()).receivingMxHostname(candidate.host())
          .failureReasonCode(refusal.reasonCode()).build());
    }
  }
}
