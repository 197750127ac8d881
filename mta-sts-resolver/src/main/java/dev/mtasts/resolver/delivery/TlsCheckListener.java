package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.core.fetch.CertificateSummary;
import org.jspecify.annotations.Nullable;

/**
 * Receives the outcome of every MTA-STS certificate check of an MX host, for TLS-RPT (APP-7) and
 * monitoring. Called on the handshake thread: keep it fast.
 *
 * <p>{@link MtaStsTrustManager} and {@link MtaStsHostnameVerifier} call their listener through
 * {@link #guarded(TlsCheckListener)}: whatever a listener throws is logged and never changes the
 * trust decision or aborts a handshake (SEC-15).
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
   * Wraps a listener so that its failures are logged (escaped, SLF4J) and swallowed: a listener
   * that throws, even an {@link AssertionError}, never changes the outcome of a handshake (SEC-15).
   * Only a {@link VirtualMachineError} (such as {@link OutOfMemoryError}) propagates, and the
   * handshake then fails closed: the JVM can no longer be trusted to run it.
   *
   * @param listener the listener
   * @return a listener that never throws anything but a {@link VirtualMachineError}; the same
   *     object if it already is one
   */
  static TlsCheckListener guarded(TlsCheckListener listener) {
    return listener instanceof GuardedListener || listener == NONE ? listener : new GuardedListener(listener);
  }

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
