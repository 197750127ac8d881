package dev.mtasts.resolver;

/**
 * Receives every decision, fetch, refresh and failure of a resolver; the TLS-RPT module and
 * monitoring hook in here.
 *
 * <p>Called synchronously on the thread that made the decision, after the caller's future has
 * completed, so implementations must be fast and thread-safe; hand heavy work to an executor.
 * Whatever a listener throws, {@link Error}s such as {@link AssertionError} included, is logged and
 * otherwise ignored: a listener can neither delay nor break a resolution (SEC-26).
 */
@FunctionalInterface
public interface MtaStsListener {

  /**
   * Receives one event.
   *
   * @param event the event
   */
  void onEvent(MtaStsEvent event);
}
