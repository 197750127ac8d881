/**
 * TLS-RPT (RFC 8460) reporting for a sending MTA, and parsing of received reports for a domain
 * owner.
 *
 * <ul>
 *   <li>{@link dev.mtasts.tlsrpt.TlsRptRecorder} counts every TLS session per
 *       {@link dev.mtasts.tlsrpt.ReportPolicy} and UTC day, given a
 *       {@link dev.mtasts.tlsrpt.SessionOutcome}: thread-safe, exact and bounded in memory.
 *   <li>{@link dev.mtasts.tlsrpt.ReportScheduler} closes each day, builds one
 *       {@link dev.mtasts.tlsrpt.TlsRptReport} per policy domain, looks the {@code rua} up in DNS
 *       and hands the gzip-compressed {@link dev.mtasts.tlsrpt.EncodedReport} to the
 *       {@link dev.mtasts.tlsrpt.ReportDelivery} implementations, retrying for up to a day.
 *   <li>Both keep their state in a directory if given one
 *       ({@link dev.mtasts.tlsrpt.TlsRptRecorder.Builder#stateDirectory(java.nio.file.Path)},
 *       {@link dev.mtasts.tlsrpt.ReportScheduler.Builder#stateDirectory(java.nio.file.Path)}): the
 *       counts of the open days and the reports waiting for delivery or a retry survive restarts,
 *       written atomically with a checksum; a crash loses at most the sessions recorded since the
 *       recorder's last {@code flush()}.
 *   <li>{@link dev.mtasts.tlsrpt.ReportJson} writes the RFC 8460 §4.4 JSON;
 *       {@link dev.mtasts.tlsrpt.ReportParser} reads received reports tolerantly and within bounds.
 * </ul>
 *
 * <p>Rule identifiers such as RPT-7 refer to section (h) of the project's RFC checklist.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
@NullMarked
package dev.mtasts.tlsrpt;

import org.jspecify.annotations.NullMarked;
