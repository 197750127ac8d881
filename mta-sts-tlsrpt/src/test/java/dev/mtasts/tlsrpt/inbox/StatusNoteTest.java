package dev.mtasts.tlsrpt.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.DomainStatus;
import dev.mtasts.owner.monitor.MonitorStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The notes a report page gets from a monitor's state. */
class StatusNoteTest {
  static final PolicyDomain D = PolicyDomain.of("example.org");
  static final Instant T = Instant.parse("2026-04-09T06:00:00Z");

  static Alert alert(AlertCode code, AlertStatus status, String subject, String after, Instant at) {
    return new Alert(code, status, code.defaultSeverity(), D, subject, null, after, code.fix(D.name(), subject), at, at);
  }

  @Test
  @DisplayName("MON-58: a watched domain's policy, testing time, certificates, open alerts and history become notes")
  void aMonitorsStatusBecomesGlanceAndHistoryNotes() {
    Alert open = alert(AlertCode.TLSRPT_RECORD_GONE, AlertStatus.FIRING, "_smtp._tls.example.org", "no record",
        T.minusSeconds(3600));
    Alert fired = alert(AlertCode.STS_RECORD_GONE, AlertStatus.FIRING, "_mta-sts.example.org", "gone",
        T.minusSeconds(86_400));
    Alert resolved = new Alert(AlertCode.STS_RECORD_GONE, AlertStatus.RESOLVED, Severity.ERROR, D,
        "_mta-sts.example.org", "gone", null, "fix", T.minusSeconds(7200), T.minusSeconds(86_400));
    DomainStatus d = new DomainStatus(D, T, "20260401", "version: STSv1\nmode: testing\nmx: mx.example.org\n"
        + "max_age: 86400\n", List.of("mx.example.org"), "sha256 ab for [mta-sts.example.org]",
        Map.of("mx.example.org", "sha256 cd for [mx.example.org]"), T.minusSeconds(10 * 86_400), List.of(open),
        List.of(fired, resolved, open));

    List<StatusNote> notes = StatusNote.fromMonitor(new MonitorStatus(List.of(d), List.of()), T);

    assertThat(notes).filteredOn(n -> n.kind() == StatusNote.Kind.STATUS).extracting(StatusNote::text).containsExactly(
        "Monitor: last checked 2026-04-09T06:00:00Z, 1 open alert(s)",
        "Policy id 20260401: mode testing, max_age 86400 seconds (1 day), mx mx.example.org",
        "In mode testing since 2026-03-30 (10 days)",
        "MX hosts: mx.example.org",
        "Policy host certificate: sha256 ab for [mta-sts.example.org]",
        "Certificate of mx.example.org: sha256 cd for [mx.example.org]",
        "Open since 2026-04-09T05:00:00Z: TLSRPT_RECORD_GONE _smtp._tls.example.org: no record. Fix: "
            + AlertCode.TLSRPT_RECORD_GONE.fix(D.name(), "_smtp._tls.example.org"));
    assertThat(notes.get(0).severity()).as("the worst open alert").isEqualTo(Severity.WARNING);
    assertThat(notes).filteredOn(n -> n.kind() == StatusNote.Kind.ALERT).extracting(StatusNote::text).containsExactly(
        "firing STS_RECORD_GONE _mta-sts.example.org: gone",
        "resolved STS_RECORD_GONE _mta-sts.example.org: cleared (was: gone)",
        "firing TLSRPT_RECORD_GONE _smtp._tls.example.org: no record");
  }

  @Test
  @DisplayName("MON-58: a domain never checked, or whose policy no longer parses, says so in words")
  void neverCheckedAndInvalidPolicyAreSaidInWords() {
    DomainStatus never = new DomainStatus(PolicyDomain.of("new.example"), null, null, null, List.of(), null, Map.of(),
        null, List.of(), List.of());
    DomainStatus bad = new DomainStatus(D, T, "1", "version: STSv1\nmode: enforce\n", List.of(), null, Map.of(), null,
        List.of(), List.of());
    List<StatusNote> notes = StatusNote.fromMonitor(new MonitorStatus(List.of(never, bad), List.of()), T);
    assertThat(notes).extracting(StatusNote::text).contains("Monitor: not checked yet",
        "Monitor: last checked 2026-04-09T06:00:00Z, no open alert");
    assertThat(notes).extracting(StatusNote::text).anyMatch(t -> t.startsWith("Policy id 1: served but not valid ("));
  }
}
