package dev.mtasts.tlsrpt;

import dev.mtasts.core.TlsRptResultType;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code failure-details} entry of a report (RFC 8460 §4.4): a kind of failure and how many
 * sessions failed that way.
 *
 * <p>Every member but {@code result-type} and {@code failed-session-count} is optional, because
 * real reports omit them (RPT-13).
 *
 * @param resultType the {@code result-type}, such as {@code "certificate-expired"}; kept as text
 *     so that values registered after RFC 8460 survive parsing (see {@link #knownResultType()})
 * @param sendingMtaIp the {@code sending-mta-ip}
 * @param receivingMxHostname the {@code receiving-mx-hostname}
 * @param receivingMxHelo the {@code receiving-mx-helo}
 * @param receivingIp the {@code receiving-ip}
 * @param failedSessionCount the {@code failed-session-count}, an integer of at least 0 (RPT-12)
 * @param additionalInformation the {@code additional-information} URI
 * @param failureReasonCode the {@code failure-reason-code} (RPT-15)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record FailureDetail(
    String resultType, @Nullable String sendingMtaIp, @Nullable String receivingMxHostname,
    @Nullable String receivingMxHelo, @Nullable String receivingIp, long failedSessionCount,
    @Nullable String additionalInformation, @Nullable String failureReasonCode) {

  /**
   * Validates the components.
   *
   * @param resultType the {@code resultType} component
   * @param sendingMtaIp the {@code sendingMtaIp} component
   * @param receivingMxHostname the {@code receivingMxHostname} component
   * @param receivingMxHelo the {@code receivingMxHelo} component
   * @param receivingIp the {@code receivingIp} component
   * @param failedSessionCount the {@code failedSessionCount} component
   * @param additionalInformation the {@code additionalInformation} component
   * @param failureReasonCode the {@code failureReasonCode} component
   * @throws IllegalArgumentException if {@code failedSessionCount} is negative
   */
  public FailureDetail {
    Objects.requireNonNull(resultType, "resultType");
    if (failedSessionCount < 0) {
      throw new IllegalArgumentException("failed-session-count must not be negative: " + failedSessionCount);
    }
  }

  /**
   * Creates the entry for recorded failures.
   *
   * @param failure the failure details
   * @param count how many sessions failed that way
   * @return the entry
   */
  static FailureDetail of(SessionOutcome.Failure failure, long count) {
    return new FailureDetail(failure.resultType().token(), failure.sendingMtaIp(),
        failure.receivingMxHostname(), failure.receivingMxHelo(), failure.receivingIp(), count,
        failure.additionalInformation(), failure.failureReasonCode());
  }

  /**
   * Returns the result type if it is one RFC 8460 registers.
   *
   * @return the result type, or empty for a value this library does not know
   */
  public Optional<TlsRptResultType> knownResultType() {
    try {
      return Optional.of(TlsRptResultType.fromToken(resultType));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
