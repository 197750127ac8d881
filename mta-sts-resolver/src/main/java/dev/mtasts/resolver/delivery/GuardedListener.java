package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.fetch.CertificateSummary;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TlsCheckListener} whose failures are logged and swallowed, so that recording or
 * monitoring can never change the outcome of a handshake (SEC-15).
 *
 * <p>Every {@link Throwable} is caught except a {@link VirtualMachineError}: an
 * {@link OutOfMemoryError}, {@link StackOverflowError} or {@link InternalError} means this JVM can
 * no longer be trusted to run the handshake itself correctly, so it propagates and the handshake
 * fails closed (no trust is ever granted because of it; an MTA treats the aborted connection as a
 * temporary failure and tries again). Everything else, {@link AssertionError}s and
 * {@link LinkageError}s of a listener included, is the listener's bug, not the peer's.
 */
final class GuardedListener implements TlsCheckListener {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);
  private static final int MAX_LOGGED_CHARS = 512;

  private final TlsCheckListener delegate;

  GuardedListener(TlsCheckListener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void passed(MxCandidate candidate, CertificateSummary certificate) {
    try {
      delegate.passed(candidate, certificate);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      logged("passed", candidate, e);
    }
  }

  @Override
  public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
    try {
      delegate.failed(candidate, failure, certificate);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      logged("failed", candidate, e);
    }
  }

  /** Logs a listener failure; its message may hold network text (a host name), so it is escaped. */
  private void logged(String call, MxCandidate candidate, Throwable e) {
    LOG.warn("TLS check listener {} threw from {}() for MX host {}; the handshake is not affected: {}",
        SafeText.escape(delegate.getClass().getName(), MAX_LOGGED_CHARS), call,
        SafeText.escape(candidate.host(), MAX_LOGGED_CHARS), SafeText.escape(String.valueOf(e), MAX_LOGGED_CHARS));
    if (LOG.isDebugEnabled()) {
      LOG.debug("Stack trace of the TLS check listener failure", e);
    }
  }

  @Override
  public String toString() {
    return "guarded " + delegate;
  }
}
