package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.core.fetch.CertificateSummary;
import org.jspecify.annotations.Nullable;

/**
 * Receives the outcome of every MTA-STS certificate check of an MX host, for TLS-RPT (APP-7) and
 * monitoring. Called on the handshake thread: keep it fast.
 */
public interface TlsCheckListener {

  /** A listener that ignores everything. */
  TlsCheckListener NONE = new TlsCheckListener() {
    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {}

    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {}
  };

  /**
   * The certificate of {@code candidate} passed PKIX validation and the name check.
   *
   * @param candidate the MX host
   * @param certificate the leaf certificate presented
   */
  void passed(MxCandidate candidate, CertificateSummary certificate);

  /**
   * The certificate of {@code candidate} failed; under {@code enforce} the handshake is aborted,
   * under {@code testing} it goes on.
   *
   * @param candidate the MX host
   * @param failure the classified failure
   * @param certificate the leaf certificate presented, when there was one
   */
  void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate);
}
