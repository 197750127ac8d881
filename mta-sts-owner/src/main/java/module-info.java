/**
 * Tools for domain owners (RFC 8461 §3, §8; RFC 8460 §3): the policy generator, drift detection
 * between the published id and the served policy, and the checker with its stable findings.
 *
 * <p>SMTP probes of MX hosts come through the {@link dev.mtasts.owner.SmtpProbe} SPI
 * ({@code mta-sts-probe} implements it). {@link dev.mtasts.owner.monitor.MtaStsMonitor} watches
 * domains over time and raises alerts; it writes JSON with jackson-core.
 */
module dev.mtasts.owner {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.core;
  requires org.slf4j;
  requires com.fasterxml.jackson.core;
  // MailAlertSink only; the mail API and Angus Mail are optional dependencies.
  requires static jakarta.mail;

  exports dev.mtasts.owner;
  exports dev.mtasts.owner.monitor;
}
