/**
 * TLS-RPT (RFC 8460) for JVM mail servers: record the outcome of every TLS session per policy,
 * aggregate per policy domain and UTC day, build, compress and deliver the JSON reports over HTTPS
 * or mail, and parse the reports a domain receives.
 *
 * <p>Depends on {@code dev.mtasts.core} for the policy model and the DNS SPI, on
 * {@code dev.mtasts.owner} for the one failure-spike rule and the monitor's report-source SPI (the
 * inbox implements it), on jackson-core for the JSON generator and parser, and on SLF4J for
 * logging.
 */
module dev.mtasts.tlsrpt {
  requires static org.jspecify;
  requires transitive dev.mtasts.resolver;
  // ReportAggregates returns the owner's SpikeVerdict; InboxReportSource is the owner's ReportSource.
  requires transitive dev.mtasts.owner;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires jakarta.mail;

  exports dev.mtasts.tlsrpt;
  exports dev.mtasts.tlsrpt.delivery;
  exports dev.mtasts.tlsrpt.inbox;
}
