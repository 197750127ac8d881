package dev.mtasts.resolver;

/**
 * Receives every decision, fetch, refresh and failure of a resolver; the TLS-RPT module and
 * monitoring hook in here.
 *
 * <p>Called synchronously on the thread that made the decision, so implementations must be fast
 * and thread-safe; hand heavy work to an executor. An exception thrown by a listener is logged
 * and otherwise ignored.
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
