package dev.mtasts.owner.monitor;

import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.monitor.internal.DomainState;
import dev.mtasts.owner.monitor.internal.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a monitor's state directory says about each domain it watches, read without disturbing
 * the monitor (MON-57): for a report page, a dashboard or a status command. The directory is
 * not locked and nothing in it changes; a running monitor replaces each file atomically, so each
 * domain is read whole.
 *
 * <pre>{@code
 * MonitorStatus status = MonitorStatus.read(Path.of("/var/lib/mta-sts-monitor"));
 * for (DomainStatus d : status.domains()) {
 *   System.out.println(d.domain() + ": " + d.open().size() + " open alert(s)");
 * }
 * }</pre>
 *
 * @param domains each domain's status, in file name order
 * @param problems one line per state file that could not be read (damaged, too large, not a
 *     regular file); the monitor sets such a file aside at its next check
 */
public record MonitorStatus(List<DomainStatus> domains, List<String> problems) {
  /** The most past alerts kept per domain: the newest. */
  public static final int MAX_HISTORY = DomainState.MAX_HISTORY;
  /** The most bytes of state files read in one call: 256 MiB. */
  public static final long MAX_TOTAL_BYTES = 256L << 20;

  /**
   * Copies the lists.
   *
   * @param domains the {@code domains} component
   * @param problems the {@code problems} component
   */
  public MonitorStatus {
    domains = List.copyOf(domains);
    problems = List.copyOf(problems);
  }

  /**
   * Reads a state directory. At most {@link MtaStsMonitor#MAX_DOMAINS} domains are read, each
   * file at most 1 MiB, all of them at most {@link #MAX_TOTAL_BYTES}; what is left out is said in
   * {@link #problems()}.
   *
   * @param stateDirectory the directory a monitor was given as
   *     {@link MtaStsMonitor.Builder#stateDirectory(Path)}
   * @return the status of every domain whose state could be read
   * @throws UncheckedIOException if the directory cannot be listed (it does not exist, or is not
   *     readable)
   */
  public static MonitorStatus read(Path stateDirectory) {
    Objects.requireNonNull(stateDirectory, "stateDirectory");
    List<String> problems = new ArrayList<>();
    List<DomainState> states;
    try {
      states = StateStore.readAll(stateDirectory, problems, MtaStsMonitor.MAX_DOMAINS, MAX_TOTAL_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the monitor state in " + stateDirectory + ": " + Text.message(e), e);
    }
    List<DomainStatus> out = new ArrayList<>(states.size());
    for (DomainState s : states) {
      List<Alert> open = new ArrayList<>();
      for (DomainState.OpenAlert o : s.openAlerts()) {
        open.add(new Alert(o.code(), AlertStatus.FIRING, o.severity(), s.domain(), o.subject(), null, o.detail(),
            o.code().fix(s.domain().name(), o.subject()), o.lastNotified(), o.since()));
      }
      out.add(new DomainStatus(s.domain(), s.lastChecked(), s.observedId(), s.observedPolicy(), s.mxHosts(),
          s.policyCertificate(), s.mxCertificates(), s.testingSince(), open, s.history()));
    }
    return new MonitorStatus(out, problems);
  }
}
