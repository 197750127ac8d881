package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.resolver.delivery.TlsRequirement;
import dev.mtasts.core.fetch.CertificateSummary;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A {@link HostnameVerifier} applying the MTA-STS name rule to the MX host actually dialled: DNS-ID
 * subject alternative names only, a wildcard only as the whole left-most label (MXM-7, MXM-8).
 *
 * <p>For Jakarta/Angus Mail, set it as {@code mail.smtp.ssl.hostnameverifier}, with
 * {@code mail.smtp.starttls.enable=true}, {@code mail.smtp.starttls.required=true} under
 * {@code enforce}, and an {@code mail.smtp.ssl.socketFactory} from
 * {@link MtaStsTrustManager#sslContext()} for PKIX validation. It checks the candidate's host, not
 * the name the mail library passes in, so that a misrouted connection cannot pass.
 *
 * <p>Under {@code enforce} a mismatch returns {@code false}; under {@code testing} it is reported
 * and {@code true} is returned, so delivery goes on (APP-2).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 */
public final class MtaStsHostnameVerifier implements HostnameVerifier {
  private final MxCandidate candidate;
  private final TlsCheckListener listener;

  /**
   * Creates a verifier for one MX host.
   *
   * @param candidate the MX host; its requirement must be {@code STS_ENFORCE} or {@code STS_TESTING}
   * @param listener receives name mismatches; PKIX outcomes are reported by the trust manager;
   *     its failures are logged, never propagated (SEC-15)
   * @throws IllegalArgumentException if MTA-STS checks do not apply to the candidate
   */
  public MtaStsHostnameVerifier(MxCandidate candidate, TlsCheckListener listener) {
    this.candidate = Objects.requireNonNull(candidate, "candidate");
    // SEC-15: a listener's failure never changes the verdict.
    this.listener = TlsCheckListener.guarded(Objects.requireNonNull(listener, "listener"));
    if (!candidate.stsChecksApply()) {
      throw new IllegalArgumentException("MTA-STS checks do not apply to " + candidate.host()
          + " (requirement " + candidate.requirement() + ")");
    }
  }

  /**
   * Verifies the session's leaf certificate against the candidate's MX host.
   *
   * @param hostname the name the mail library connected to (not trusted for the check)
   * @param session the TLS session
   * @return whether delivery may go on
   */
  @Override
  public boolean verify(String hostname, SSLSession session) {
    X509Certificate leaf;
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
        return reject("the server presented no X.509 certificate");
      }
      leaf = x;
    } catch (SSLPeerUnverifiedException e) {
      return reject("the server presented no certificate");
    }
    if (CertificateNames.matches(leaf, candidate.host())) {
      return true;
    }
    TlsFailure failure = TlsFailure.hostMismatch(leaf, candidate.host());
    listener.failed(candidate, failure, CertificateSummary.of(leaf));
    return candidate.requirement() != TlsRequirement.STS_ENFORCE;
  }

  private boolean reject(String why) {
    listener.failed(candidate, new TlsFailure(TlsRptResultType.VALIDATION_FAILURE,
        "X509_V_ERR_UNSPECIFIED", why), null);
    return candidate.requirement() != TlsRequirement.STS_ENFORCE;
  }
}
