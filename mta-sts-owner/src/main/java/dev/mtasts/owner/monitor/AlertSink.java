package dev.mtasts.owner.monitor;

import java.util.concurrent.CompletionStage;

/**
 * Receives the alerts of {@link MtaStsMonitor}: a log, a file of JSON lines, a webhook, mail.
 *
 * <p>Contract: {@link #publish} returns quickly; slow work (network) runs on the sink's own
 * executor and completes the stage when done, within a bounded time. A sink that throws or whose
 * stage fails is logged and never stops the monitor or the other sinks (MON-35).
 */
@FunctionalInterface
public interface AlertSink {

  /**
   * Publishes one alert.
   *
   * @param alert the alert
   * @return completes when the alert is delivered, or exceptionally when delivery gave up
   */
  CompletionStage<Void> publish(Alert alert);
}
