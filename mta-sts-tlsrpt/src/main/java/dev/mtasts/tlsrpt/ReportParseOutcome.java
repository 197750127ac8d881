package dev.mtasts.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of reading a received report: the report with any deviations that were tolerated,
 * or the reason it could not be read.
 *
 * @see ReportParser
 */
public sealed interface ReportParseOutcome permits ReportParseOutcome.Parsed, ReportParseOutcome.Rejected {

  /**
   * The report was read.
   *
   * @param report the report; members the sender omitted are {@code null} or empty (RPT-13)
   * @param compressed whether the input was gzip-compressed
   * @param warnings what was tolerated, such as a missing zone in {@code date-range}, an
   *     {@code mx-host} given as a string, or a policy skipped because it had no
   *     {@code policy-type}; each names the member's path
   */
  record Parsed(TlsRptReport report, boolean compressed, List<String> warnings) implements ReportParseOutcome {
    /**
     * Copies the warnings.
     *
     * @param report the {@code report} component
     * @param compressed the {@code compressed} component
     * @param warnings the {@code warnings} component
     */
    public Parsed {
      Objects.requireNonNull(report, "report");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The input is not a report that can be read.
   *
   * @param reason the kind of problem
   * @param message what was wrong, for a log
   */
  record Rejected(RejectReason reason, String message) implements ReportParseOutcome {
    /**
     * Validates the components.
     *
     * @param reason the {@code reason} component
     * @param message the {@code message} component
     */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Why a report was rejected. */
  enum RejectReason {
    /** The input or its decompressed JSON exceeds the configured size (SEC-9). */
    TOO_LARGE,
    /** The input starts with the gzip magic but is not valid gzip. */
    INVALID_GZIP,
    /** The JSON is malformed or truncated. */
    INVALID_JSON,
    /**
     * The JSON is nested too deeply, has too many tokens, or a string, member name, number or
     * count written as text is too long (SEC-9, SEC-14).
     */
    LIMIT_EXCEEDED,
    /** The JSON is not an object with a {@code policies} member. */
    NOT_A_REPORT
  }
}
