package dev.mtasts.owner;

import java.util.concurrent.CompletionStage;

/**
 * Connects to an MX host, says EHLO, negotiates STARTTLS (RFC 3207) and reports what the host
 * presented. Core has no sockets: implementations live in other modules ({@code mta-sts-probe}).
 *
 * <p>Contract: bounded in time; network conditions complete the stage normally with an
 * {@link SmtpProbeOutcome}, never exceptionally.
 */
@FunctionalInterface
public interface SmtpProbe {

  /**
   * Probes one MX host.
   *
   * @param mxHost the host name (the SNI sent and the name the certificate is checked against)
   * @return what happened
   */
  CompletionStage<SmtpProbeOutcome> probe(String mxHost);
}
