package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A failure this module detected itself (bad RCODE, oversized answer, per-query timeout, deadline),
 * carried through dnsjava's futures with the {@link DnsFailure} it stands for.
 */
public final class LookupFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The reason reported to the caller. */
  private final DnsFailure reason;

  /**
   * Creates the failure.
   *
   * @param reason the reason to report
   * @param message what happened
   * @param cause the underlying exception, if any
   */
  public LookupFailure(DnsFailure reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates the failure without a cause.
   *
   * @param reason the reason to report
   * @param message what happened
   */
  public LookupFailure(DnsFailure reason, String message) {
    this(reason, message, null);
  }

  /**
   * Returns the reason reported to the caller.
   *
   * @return the reason
   */
  public DnsFailure reason() {
    return reason;
  }
}
