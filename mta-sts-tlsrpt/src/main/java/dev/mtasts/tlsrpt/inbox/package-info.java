/**
 * The TLS-RPT inbox of a domain owner (RFC 8460 §5): read the reports a domain receives from a
 * Maildir, an mbox file, single {@code .eml} messages or saved {@code .json}/{@code .json.gz} HTTPS
 * submissions, check the mail headers of §5.3 and the DKIM signature of §3, drop duplicates, and
 * aggregate what is left per policy domain and UTC day with a spike verdict by the one
 * {@link dev.mtasts.owner.monitor.SpikeRule} the monitor uses too.
 *
 * <ul>
 *   <li>{@link dev.mtasts.tlsrpt.inbox.ReportInbox} reads, bounded in bytes, parts and decompressed
 *       size, and never throws on hostile input: a file it cannot use becomes a
 *       {@link dev.mtasts.tlsrpt.inbox.RejectedInput}.
 *   <li>{@link dev.mtasts.tlsrpt.inbox.ReportAggregates} counts sessions and failures per domain and
 *       day and decides {@link dev.mtasts.owner.monitor.SpikeVerdict}s.
 *   <li>{@link dev.mtasts.tlsrpt.inbox.InboxReportSource} feeds an inbox's daily counts to
 *       {@link dev.mtasts.owner.monitor.MtaStsMonitor} as its report source.
 *   <li>{@link dev.mtasts.tlsrpt.inbox.ReportHtml} renders one self-contained HTML page.
 * </ul>
 *
 * <p>Rule identifiers such as RPT-34 refer to the project's RFC checklist.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 */
@NullMarked
package dev.mtasts.tlsrpt.inbox;

import org.jspecify.annotations.NullMarked;
