package dev.mtasts.tlsrpt.delivery;

import java.util.concurrent.CompletionStage;

/**
 * Hands a report mail to the caller's mail system: usually the MTA's own queue.
 *
 * <p>The mail system must deliver the message even when TLS to the recipient's MX fails, ignoring
 * MTA-STS and DANE for it (RPT-24), and must not count its SMTP session in the next report: it
 * recognises the message by its {@code TLS-Report-Domain} / {@code TLS-Report-Submitter} header
 * fields ({@link dev.mtasts.tlsrpt.TlsRptRecorder#isReportMessage(java.util.Collection)}) and
 * records the session with
 * {@link dev.mtasts.tlsrpt.TlsRptRecorder#recordReportDelivery(dev.mtasts.tlsrpt.ReportPolicy,
 * dev.mtasts.tlsrpt.SessionOutcome)}.
 */
@FunctionalInterface
public interface ReportMailSender {

  /**
   * Queues or sends one message.
   *
   * @param message the signed message with its envelope
   * @return a stage that completes normally once the mail system has accepted responsibility for
   *     the message, and exceptionally if it refused it (the delivery is then retried)
   */
  CompletionStage<Void> send(ReportMessage message);
}
