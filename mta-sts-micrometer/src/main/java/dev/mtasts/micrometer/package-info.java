/**
 * Micrometer metrics for an embedded MTA-STS resolver (RFC 8461 §3 to §5, §10.2; RFC 8460 §4.3
 * result types): see {@link dev.mtasts.micrometer.MtaStsMetrics}.
 */
@NullMarked
package dev.mtasts.micrometer;

import org.jspecify.annotations.NullMarked;
