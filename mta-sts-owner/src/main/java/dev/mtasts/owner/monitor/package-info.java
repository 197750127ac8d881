/**
 * Monitoring domains over time: {@link dev.mtasts.owner.monitor.MtaStsMonitor} runs the checker
 * on a schedule, remembers each domain's last observation, and raises
 * {@link dev.mtasts.owner.monitor.Alert}s with stable {@link dev.mtasts.owner.monitor.AlertCode}s
 * (documented in {@code docs/alerts.md}) to {@link dev.mtasts.owner.monitor.AlertSink}s.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8">RFC 8461 §8</a>
 */
@NullMarked
package dev.mtasts.owner.monitor;

import org.jspecify.annotations.NullMarked;
