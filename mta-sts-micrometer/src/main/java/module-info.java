/**
 * Micrometer metrics for the MTA-STS resolver (RFC 8461): {@link dev.mtasts.micrometer.MtaStsMetrics}
 * is both the resolver listener that counts its events and the {@code MeterBinder} that publishes
 * them, with tags of bounded cardinality only.
 */
module dev.mtasts.micrometer {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.resolver;
  requires transitive micrometer.core;
  requires org.slf4j;

  exports dev.mtasts.micrometer;
}
