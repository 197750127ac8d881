/**
 * Report delivery (RFC 8460 §5): the {@link dev.mtasts.tlsrpt.ReportDelivery} SPI and its
 * two implementations, {@link dev.mtasts.tlsrpt.delivery.HttpsReportDelivery} (HTTPS POST over
 * HTTP/1.1, to public addresses only unless allowed otherwise) and {@link dev.mtasts.tlsrpt.delivery.MailtoReportDelivery} (a
 * {@code multipart/report} message handed to a caller-supplied
 * {@link dev.mtasts.tlsrpt.delivery.ReportMailSender} after signing by a caller-supplied
 * {@link dev.mtasts.tlsrpt.delivery.DkimSigner}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 */
@NullMarked
package dev.mtasts.tlsrpt.delivery;

import org.jspecify.annotations.NullMarked;
