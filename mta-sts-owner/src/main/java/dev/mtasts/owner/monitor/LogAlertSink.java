package dev.mtasts.owner.monitor;

import dev.mtasts.core.Severity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each alert through SLF4J on the logger {@value #LOGGER}: firing and reminder alerts at the
 * level of their severity (error, warn, info), resolved alerts and notices at info. The line is
 * {@link Alert#summary()} and the fix; both are escaped already.
 */
public final class LogAlertSink implements AlertSink {
  /** The logger name, to route alerts apart from the library's other logging. */
  public static final String LOGGER = "dev.mtasts.owner.monitor.alerts";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  /** Creates the sink. */
  public LogAlertSink() {}

  @Override
  public CompletionStage<Void> publish(Alert alert) {
    String fix = alert.status() == AlertStatus.RESOLVED ? "" : " Fix: " + alert.fix();
    Severity level = alert.status() == AlertStatus.RESOLVED || alert.status() == AlertStatus.NOTICE
        ? Severity.INFO : alert.severity();
    switch (level) {
      case ERROR -> LOG.error("{}{}", alert.summary(), fix);
      case WARNING -> LOG.warn("{}{}", alert.summary(), fix);
      case INFO -> LOG.info("{}{}", alert.summary(), fix);
    }
    return CompletableFuture.completedStage(null);
  }

  @Override
  public String toString() {
    return "log";
  }
}
