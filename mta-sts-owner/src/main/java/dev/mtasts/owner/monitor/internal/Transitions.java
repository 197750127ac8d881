package dev.mtasts.owner.monitor.internal;

import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the conditions of a check with the open alerts and says what to send: an alert fires
 * when its condition appears or gets worse (MON-27, MON-28), reminds after the reminder period
 * while it holds (MON-29), and resolves when it clears unless its evidence was missing (MON-30).
 */
public final class Transitions {
  private static final Logger LOG = LoggerFactory.getLogger(Transitions.class);

  private Transitions() {}

  /**
   * Applies an evaluation to the state and returns the alerts to send.
   *
   * @param state the domain's state, updated
   * @param result the evaluation of this check
   * @param now the time of the check
   * @param reminder the reminder period
   * @return the alerts, in a stable order: fired and reminded, resolved, notices
   */
  public static List<Alert> apply(DomainState state, Evaluation.Result result, Instant now, Duration reminder) {
    List<Alert> out = new ArrayList<>();
    String domain = state.domain.name();
    Set<String> seen = result.conditions().stream().map(c -> DomainState.key(c.code(), c.subject()))
        .collect(Collectors.toSet());
    for (Evaluation.Condition c : result.conditions()) {
      String key = DomainState.key(c.code(), c.subject());
      DomainState.OpenAlert o = state.open.get(key);
      String fix = c.code().fix(domain, c.subject());
      if (o == null) {
        if (state.open.size() >= DomainState.MAX_OPEN) {
          LOG.warn("{} has {} open alerts already; {} {} is not tracked", domain, DomainState.MAX_OPEN, c.code(),
              c.subject());
          continue;
        }
        out.add(new Alert(c.code(), AlertStatus.FIRING, c.severity(), state.domain, c.subject(), c.before(), c.detail(),
            fix, now, now));
        state.open.put(key, new DomainState.OpenAlert(c.code(), c.subject(), c.level(), c.severity(), c.detail(), now,
            now));
      } else if (!o.level().equals(c.level()) || c.severity().compareTo(o.severity()) < 0) {
        // A new level (an expiry threshold) or a worse severity fires again (MON-28); a milder
        // severity, such as MX_NOT_COVERED once the policy is back in testing, is noted below, quietly.
        out.add(new Alert(c.code(), AlertStatus.FIRING, c.severity(), state.domain, c.subject(), o.detail(), c.detail(),
            fix, now, o.since()));
        state.open.put(key, new DomainState.OpenAlert(c.code(), c.subject(), c.level(), c.severity(), c.detail(),
            o.since(), now));
      } else if (!now.isBefore(o.lastNotified().plus(reminder))) {
        out.add(new Alert(c.code(), AlertStatus.REMINDER, c.severity(), state.domain, c.subject(), o.detail(),
            c.detail(), fix, now, o.since()));
        state.open.put(key, new DomainState.OpenAlert(c.code(), c.subject(), c.level(), c.severity(), c.detail(),
            o.since(), now));
      } else {
        state.open.put(key, new DomainState.OpenAlert(c.code(), c.subject(), c.level(), c.severity(), c.detail(),
            o.since(), o.lastNotified()));
      }
    }
    for (Iterator<Map.Entry<String, DomainState.OpenAlert>> it = state.open.entrySet().iterator(); it.hasNext();) {
      Map.Entry<String, DomainState.OpenAlert> e = it.next();
      DomainState.OpenAlert o = e.getValue();
      if (seen.contains(e.getKey()) || result.carries(o)) {
        continue;
      }
      out.add(new Alert(o.code(), AlertStatus.RESOLVED, o.severity(), state.domain, o.subject(), o.detail(), null,
          o.code().fix(domain, o.subject()), now, o.since()));
      it.remove();
    }
    for (Evaluation.Notice n : result.notices()) {
      out.add(new Alert(n.code(), AlertStatus.NOTICE, n.code().defaultSeverity(), state.domain, n.subject(), n.before(),
          n.after(), n.code().fix(domain, n.subject()), now, now));
    }
    state.lastChecked = now;
    for (Alert a : out) {
      state.remember(a);
    }
    return out;
  }
}
