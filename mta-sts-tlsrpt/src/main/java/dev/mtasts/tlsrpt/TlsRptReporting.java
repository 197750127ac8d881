package dev.mtasts.tlsrpt;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.delivery.DeliveryPlan;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.resolver.FetchReason;
import dev.mtasts.resolver.MtaStsEvent;
import dev.mtasts.resolver.MtaStsListener;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.resolver.delivery.TlsCheckListener;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.tlsrpt.internal.IpAddresses;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    return new SessionReporter(recorder, resolution.domain(), reportPolicy(resolution), null, null);
  }

  /**
   * Records the TLS sessions of one delivery. As a {@link TlsCheckListener} it records a success
   * for every handshake whose certificate passes and a failure, with its result type and reason
   * code, for every one that does not; the caller records what happens outside the handshake.
   *
   * <p><b>One result per session (RPT-32).</b> The candidate decides what a session to it counts
   * as. A candidate with a {@link MxCandidate#refusal() refusal}, such as an MX host that no
   * {@code mx} pattern of a {@code testing} policy covers (the plan still lets it be tried,
   * APP-2), counts as that refusal ({@code validation-failure} with reason code
   * {@value DeliveryPlan#MX_MISMATCH_REASON}, RFC 8460 §4.3) whatever method is called for it:
   * {@link #passed}, {@link #failed}, {@link #succeeded}, {@link #starttlsNotSupported} and
   * {@link #refused} all record it, and only the first of these calls for a refused candidate on
   * this reporter records anything. So the natural use (the trust manager reports the handshake,
   * then the caller reports the refusal) counts the session once. Candidates without a refusal
   * record one result per call, as before.
   *
   * <p><b>Addresses (RPT-33).</b> A reporter made by
   * {@link TlsRptReporting#sessions(TlsRptRecorder, PolicyResolution)} knows no addresses; for
   * each connection take {@link #connection(InetAddress, InetAddress)}, which adds
   * {@code sending-mta-ip} and {@code receiving-ip} to every failure it records (RFC 8460 §4.4) and
   * counts a refused candidate once per connection:
   *
   * <pre>{@code
   * Socket socket = ...connected to one address of candidate.host()...;
   * SessionReporter session = sessions.connection(socket.getLocalAddress(), socket.getInetAddress());
   * SSLContext tls = MtaStsTrustManager.forCandidate(candidate, session).sslContext();
   * ...
   * if (candidate.refusal() != null) session.refused(candidate);   // counted once in all
   * }</pre>
   *
   * <p>Thread-safe.
   */
  public static final class SessionReporter implements TlsCheckListener {
    private final TlsRptRecorder recorder;
    private final PolicyDomain domain;
    private final ReportPolicy policy;
    private final @Nullable String sendingMtaIp;
    private final @Nullable String receivingIp;
    /**
     * The refused candidates already recorded by this reporter; at most the MX hosts of one
     * plan, which DNS bounds.
     */
    private final Set<MxCandidate> refusalsRecorded = ConcurrentHashMap.newKeySet();

    private SessionReporter(TlsRptRecorder recorder, PolicyDomain domain, ReportPolicy policy,
        @Nullable String sendingMtaIp, @Nullable String receivingIp) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      this.domain = domain;
      this.policy = policy;
      this.sendingMtaIp = sendingMtaIp;
      this.receivingIp = receivingIp;
    }

    /**
     * Returns the descriptor sessions are recorded under.
     *
     * @return the report policy
     */
    public ReportPolicy policy() {
      return policy;
    }

    /**
     * Returns a reporter for one connection: the same recorder and policy, with the connection's
     * addresses added to every failure as {@code sending-mta-ip} and {@code receiving-ip} (RFC
     * 8460 §4.4, RPT-33). A refused candidate counts once per connection reporter.
     *
     * @param sendingMtaIp the local address of the connection
     * @param receivingIp the address of the MX host connected to
     * @return a new reporter for that connection
     */
    public SessionReporter connection(InetAddress sendingMtaIp, InetAddress receivingIp) {
      return new SessionReporter(recorder, domain, policy, IpAddresses.format(sendingMtaIp.getAddress()),
          IpAddresses.format(receivingIp.getAddress()));
    }

    /**
     * Records a handshake whose certificate passed; a refused candidate counts as its refusal
     * (RPT-32).
     *
     * @param candidate the MX host
     * @param certificate the leaf certificate
     */
    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {
      succeeded(candidate);
    }

    /**
     * Records a handshake whose certificate failed; a refused candidate counts as its refusal
     * (RPT-32), which takes precedence: the host was not one the policy allows in the first place.
     *
     * @param candidate the MX host
     * @param failure the classified failure
     * @param certificate the leaf certificate, if any
     */
    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
      if (!recordedAsRefusal(candidate)) {
        recorder.record(policy, failure(failure.resultType(), candidate).failureReasonCode(failure.reasonCode())
            .build());
      }
    }

    /**
     * Records a session that succeeded without the MTA-STS trust manager (opportunistic TLS
     * without a policy, or DANE); a refused candidate counts as its refusal (RPT-32).
     *
     * @param candidate the MX host
     */
    public void succeeded(MxCandidate candidate) {
      if (!recordedAsRefusal(candidate)) {
        recorder.record(policy, SessionOutcome.success());
      }
    }

    /**
     * Records that the MX host did not offer or accept STARTTLS; a refused candidate counts as its
     * refusal (RPT-32).
     *
     * @param candidate the MX host
     */
    public void starttlsNotSupported(MxCandidate candidate) {
      if (!recordedAsRefusal(candidate)) {
        recorder.record(policy, failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED, candidate).build());
      }
    }

    /**
     * Records that the plan did not allow the MX host, or that it failed the policy in mode
     * {@code testing} (the candidate's refusal, such as {@code mtasts-policy-mx-mismatch}). Counted
     * once per refused candidate and reporter, together with any other call for it (RPT-32).
     *
     * @param candidate the MX host
     * @throws IllegalArgumentException if the candidate has no refusal
     */
    public void refused(MxCandidate candidate) {
      if (candidate.refusal() == null) {
        throw new IllegalArgumentException(candidate.host() + " of " + domain + " was not refused");
      }
      recordedAsRefusal(candidate);
    }

    /**
     * Records the candidate's refusal the first time it is seen; returns {@code true} for every
     * refused candidate, so that the caller records nothing else for it.
     */
    private boolean recordedAsRefusal(MxCandidate candidate) {
      TlsFailure refusal = candidate.refusal();
      if (refusal == null) {
        return false;
      }
      if (refusalsRecorded.add(candidate)) {
        recorder.record(policy, failure(refusal.resultType(), candidate).failureReasonCode(refusal.reasonCode())
            .build());
      }
      return true;
    }

    /** A failure for the candidate, with the connection's addresses when known (RPT-33). */
    private SessionOutcome.Failure.Builder failure(TlsRptResultType type, MxCandidate candidate) {
      SessionOutcome.Failure.Builder b = SessionOutcome.failure(type).receivingMxHostname(candidate.host());
      if (sendingMtaIp != null) {
        b.sendingMtaIp(sendingMtaIp);
      }
      if (receivingIp != null) {
        b.receivingIp(receivingIp);
      }
      return b;
    }
  }
}
