package dev.mtasts.postfix;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How one zone (one socketmap table name, such as {@code postfix} in
 * {@code socketmap:inet:127.0.0.1:8461:postfix}) turns a resolution into an answer.
 *
 * @param strictTesting answer {@code secure} for a policy in mode {@code testing} too (default
 *     {@code false}: {@code NOTFOUND}, as RFC 8461 §5 lets a testing policy deliver anyway)
 * @param tempFailure what a temporary failure with nothing usable cached answers (default
 *     {@link TempFailureAnswer#NOTFOUND}, the resolver's fail-open choice of RFC 8461 §3.3)
 * @param tlsrpt append the TLSRPT attributes of Postfix ≥ 3.10 to {@code secure} answers
 *     (default {@code false}: older Postfix versions refuse unknown attributes)
 * @param daneAnswer what a domain with DANE answers when DANE precedence is on (default
 *     {@link DaneAnswer#DANE_ONLY})
 * @param queryTimeout the per-query deadline, from the request's arrival to the answer; when it
 *     passes the answer is {@code TIMEOUT} (default 10 seconds, at most 100 seconds, Postfix's
 *     own socketmap limit)
 */
public record ZoneOptions(boolean strictTesting, TempFailureAnswer tempFailure, boolean tlsrpt,
    DaneAnswer daneAnswer, Duration queryTimeout) {

  /** The default per-query deadline: 10 seconds. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** The largest per-query deadline: 100 seconds. */
  public static final Duration MAX_QUERY_TIMEOUT = Duration.ofSeconds(100);

  /** What a temporary failure with nothing usable cached answers (RFC 8461 §3.3, CAC-5). */
  public enum TempFailureAnswer {
    /** {@code NOTFOUND }: deliver with Postfix's default TLS level (fail open, the default). */
    NOTFOUND,
    /** {@code TEMP }: Postfix keeps the mail queued and tries again (fail closed). */
    TEMP
  }

  /** What a domain protected by DANE answers (RFC 8461 §2, postconf(5) TLS levels). */
  public enum DaneAnswer {
    /** {@code dane-only}: mandatory DANE; Postfix defers rather than deliver without it. */
    DANE_ONLY,
    /** {@code dane}: opportunistic DANE; Postfix decides from its own TLSA lookups. */
    DANE;

    /**
     * Returns the Postfix TLS security level.
     *
     * @return {@code dane-only} or {@code dane}
     */
    public String level() {
      return this == DANE_ONLY ? "dane-only" : "dane";
    }
  }

  /**
   * Validates the components.
   *
   * @param strictTesting the {@code strictTesting} component
   * @param tempFailure the {@code tempFailure} component
   * @param tlsrpt the {@code tlsrpt} component
   * @param daneAnswer the {@code daneAnswer} component
   * @param queryTimeout the {@code queryTimeout} component
   * @throws IllegalArgumentException if the timeout is not positive or above 100 seconds
   */
  public ZoneOptions {
    Objects.requireNonNull(tempFailure, "tempFailure");
    Objects.requireNonNull(daneAnswer, "daneAnswer");
    Builders.positive(queryTimeout, "queryTimeout");
    if (queryTimeout.compareTo(MAX_QUERY_TIMEOUT) > 0) {
      throw new IllegalArgumentException("queryTimeout must be at most " + Durations.human(MAX_QUERY_TIMEOUT)
          + ", not " + Durations.human(queryTimeout));
    }
  }

  /**
   * Returns the defaults: testing and none give {@code NOTFOUND}, fail open, no TLSRPT
   * attributes, {@code dane-only}, 10 seconds.
   *
   * @return the default options
   */
  public static ZoneOptions defaults() {
    return new ZoneOptions(false, TempFailureAnswer.NOTFOUND, false, DaneAnswer.DANE_ONLY, DEFAULT_QUERY_TIMEOUT);
  }

  /**
   * Returns a copy with {@code strictTesting} set.
   *
   * @param strict the new value
   * @return the copy
   */
  public ZoneOptions withStrictTesting(boolean strict) {
    return new ZoneOptions(strict, tempFailure, tlsrpt, daneAnswer, queryTimeout);
  }

  /**
   * Returns a copy with {@code tempFailure} set.
   *
   * @param answer the new value
   * @return the copy
   */
  public ZoneOptions withTempFailure(TempFailureAnswer answer) {
    return new ZoneOptions(strictTesting, answer, tlsrpt, daneAnswer, queryTimeout);
  }

  /**
   * Returns a copy with {@code tlsrpt} set.
   *
   * @param enabled the new value
   * @return the copy
   */
  public ZoneOptions withTlsrpt(boolean enabled) {
    return new ZoneOptions(strictTesting, tempFailure, enabled, daneAnswer, queryTimeout);
  }

  /**
   * Returns a copy with {@code daneAnswer} set.
   *
   * @param answer the new value
   * @return the copy
   */
  public ZoneOptions withDaneAnswer(DaneAnswer answer) {
    return new ZoneOptions(strictTesting, tempFailure, tlsrpt, answer, queryTimeout);
  }

  /**
   * Returns a copy with {@code queryTimeout} set.
   *
   * @param timeout the new value
   * @return the copy
   */
  public ZoneOptions withQueryTimeout(Duration timeout) {
    return new ZoneOptions(strictTesting, tempFailure, tlsrpt, daneAnswer, timeout);
  }
}
