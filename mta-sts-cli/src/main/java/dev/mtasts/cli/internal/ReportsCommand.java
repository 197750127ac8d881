package dev.mtasts.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.core.Severity;
import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.monitor.MonitorStatus;
import dev.mtasts.owner.monitor.SpikeRule;
import dev.mtasts.owner.monitor.SpikeVerdict;
import dev.mtasts.tlsrpt.inbox.DkimResult;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.DomainDay;
import dev.mtasts.tlsrpt.inbox.InboxFinding;
import dev.mtasts.tlsrpt.inbox.InboxResult;
import dev.mtasts.tlsrpt.inbox.ReceivedReport;
import dev.mtasts.tlsrpt.inbox.RejectedInput;
import dev.mtasts.tlsrpt.inbox.ReportAggregates;
import dev.mtasts.tlsrpt.inbox.ReportInbox;
import dev.mtasts.tlsrpt.inbox.StatusNote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code mta-sts reports}: read the TLS-RPT reports a domain received (RFC 8460 §5) and summarise
 * them ({@code summary}) or render one self-contained HTML page ({@code html}).
 */
@Command(name = "reports", mixinStandardHelpOptions = true,
    description = "Read received TLS-RPT reports (Maildir, mbox, .eml, .json, .json.gz) and summarise them.",
    subcommands = {ReportsCommand.Summary.class, ReportsCommand.Html.class})
public final class ReportsCommand implements Runnable {
  /** How many entries each top list shows in human output. */
  static final int TOP = 5;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Creates the command; picocli calls this. */
  public ReportsCommand() {}

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: summary or html");
  }

  /** Options both subcommands take. */
  static final class Source {
    @Option(names = "--from", required = true, paramLabel = "DIR",
        description = "a directory (Maildir, mbox files, .eml, .json, .json.gz) or one such file")
    Path from = Path.of(".");

    @Option(names = "--authenticated-only",
        description = "count only reports RFC 8460 §3 accepts: HTTPS submissions and mails with a passing DKIM signature")
    boolean authenticatedOnly;

    InboxResult read(@Nullable DkimVerifier dkim) {
      if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException("no such file or directory: " + from);
      }
      ReportInbox.Builder b = ReportInbox.builder();
      if (dkim != null) {
        b.dkimVerifier(dkim);
      }
      try {
        return b.build().read(from);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + from + ": " + Text.message(e), e);
      }
    }

    ReportAggregates aggregate(InboxResult inbox) {
      return ReportAggregates.of(inbox.reports(), authenticatedOnly, SpikeRule.DEFAULT);
    }
  }

  /** What both subcommands take: the source of the reports and the output options. */
  abstract static class Base implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
    Source source = new Source();

    /** --dns-server and --timeout: how DKIM keys are looked up. */
    @Mixin
    DnsOptions dns = new DnsOptions();

    @Mixin
    DkimOptions dkim = new DkimOptions();

    /** Reads the inbox, verifying mailed reports' DKIM signatures unless --no-dkim (RPT-48). */
    InboxResult read() {
      return source.read(dkim.verifier(dns, spec.commandLine().getErr()));
    }
  }

  /**
   * How many mailed reports' DKIM signatures passed, failed, were absent or not checked, per
   * domain and day (RPT-48): each status's mails counted by {@link ReportAggregates} itself, so a
   * mail lands on the same domain and day as in the main counts.
   */
  static final class DkimCounts {
    private final List<ReportAggregates> byStatus = new ArrayList<>(); // by Status ordinal
    private final long[] totals = new long[DkimResult.Status.values().length];

    DkimCounts(InboxResult inbox, boolean authenticatedOnly) {
      for (DkimResult.Status status : DkimResult.Status.values()) {
        List<ReceivedReport> mails = inbox.reports().stream()
            .filter(r -> r.transport() == ReceivedReport.Transport.MAIL && r.dkim().status() == status).toList();
        byStatus.add(ReportAggregates.of(mails, authenticatedOnly, SpikeRule.DEFAULT));
        totals[status.ordinal()] = mails.stream().filter(r -> !authenticatedOnly || r.authenticated()).count();
      }
    }

    long total(DkimResult.Status status) {
      return totals[status.ordinal()];
    }

    long mails(DkimResult.Status status, String domain, LocalDate day) {
      return byStatus.get(status.ordinal()).days(domain).stream().filter(d -> d.day().equals(day))
          .mapToLong(DomainDay::reports).sum();
    }

    /** "1 pass, 2 fail, 1 unsigned" (and "n not checked" when some were not), or null without mails. */
    @Nullable String describe(ToLongFunction<DkimResult.Status> count) {
      long pass = count.applyAsLong(DkimResult.Status.PASS);
      long fail = count.applyAsLong(DkimResult.Status.FAIL);
      long none = count.applyAsLong(DkimResult.Status.NONE);
      long unchecked = count.applyAsLong(DkimResult.Status.NOT_CHECKED);
      if (pass + fail + none + unchecked == 0) {
        return null;
      }
      return pass + " pass, " + fail + " fail, " + none + " unsigned" + (unchecked > 0 ? ", " + unchecked
          + " not checked" : "");
    }

    void json(JsonGenerator g, ToLongFunction<DkimResult.Status> count) throws IOException {
      g.writeObjectFieldStart("dkim");
      g.writeNumberField("pass", count.applyAsLong(DkimResult.Status.PASS));
      g.writeNumberField("fail", count.applyAsLong(DkimResult.Status.FAIL));
      g.writeNumberField("none", count.applyAsLong(DkimResult.Status.NONE));
      g.writeNumberField("not_checked", count.applyAsLong(DkimResult.Status.NOT_CHECKED));
      g.writeEndObject();
    }
  }

  /** {@code reports summary}: per domain and day, the counts, the top failures and spikes. */
  @Command(name = "summary", mixinStandardHelpOptions = true,
      description = "Summarise received reports per domain and day: sessions, failures by type, sender, MX host "
          + "and reason, spikes against the trailing week, and what was marked or skipped.")
  public static final class Summary extends Base {
    /** Creates the command; picocli calls this. */
    public Summary() {}

    @Override
    public Integer call() {
      InboxResult inbox = read();
      ReportAggregates a = source.aggregate(inbox);
      DkimCounts dkimCounts = new DkimCounts(inbox, source.authenticatedOnly);
      if (output.json) {
        Json.print(spec.commandLine().getOut(), g -> json(g, inbox, a, dkimCounts, !dkim.off));
        return 0;
      }
      Terminal t = output.terminal(spec.commandLine().getOut());
      t.plain(inbox.reports().size() + " report(s) read from " + source.from + ", " + inbox.duplicates()
          + " duplicate(s) dropped, " + inbox.rejected().size() + " input(s) skipped"
          + (source.authenticatedOnly ? "; counting authenticated reports only" : ""));
      String mails = dkimCounts.describe(dkimCounts::total);
      if (mails != null) {
        t.plain("Mailed reports' DKIM (RFC 8460 §3): " + mails + (dkim.off ? " (--no-dkim)" : ""));
      }
      if (a.undated() > 0) {
        t.plain(a.undated() + " report(s) without a date-range are not counted");
      }
      if (a.leftOut() > 0) {
        t.plain(a.leftOut() + " report(s) with an implausible date-range are not counted (see Marked reports)");
      }
      for (String domain : a.domains()) {
        t.heading(domain);
        for (DomainDay d : a.days(domain)) {
          SpikeVerdict v = a.spike(domain, d.day());
          String counts = d.day() + "  " + d.sessions() + " sessions, " + d.failedSessions() + " failed ("
              + percent(d.failureRate()) + "), " + d.reports() + " report(s)";
          if (v.spike()) {
            t.line(counts, "  ", t.severity(dev.mtasts.core.Severity.WARNING), " ", v.describe());
          } else {
            t.line(counts);
          }
          String dayMails = dkimCounts.describe(s -> dkimCounts.mails(s, domain, d.day()));
          if (dayMails != null) {
            t.line("            mailed: DKIM " + dayMails);
          }
        }
        DomainDay all = a.total(domain).orElseThrow();
        t.line("Failures by result type: " + top(all.failuresByResultType()));
        t.line("Failures by sender: " + top(all.failuresBySender()));
        t.line("Top failing MX hosts: " + top(all.failuresByMxHost()));
        t.line("Top reasons: " + top(all.failuresByReason()));
      }
      List<ReceivedReport> marked = inbox.reports().stream().filter(ReportsCommand::marked).toList();
      if (!marked.isEmpty()) {
        t.heading("Marked reports (kept)");
        for (ReceivedReport r : marked) {
          t.line(r.source() + ": " + (r.findings().isEmpty() ? "parser warnings"
              : r.findings().stream().map(f -> f.code().name()).collect(Collectors.joining(", "))));
          for (InboxFinding f : r.findings()) {
            t.line("  " + f.code().checklistId() + " " + f.message());
          }
          for (String w : r.warnings()) {
            t.line("  RPT-57 parser: " + w);
          }
        }
      }
      if (!inbox.rejected().isEmpty()) {
        t.heading("Skipped");
        for (RejectedInput r : inbox.rejected()) {
          t.line(r.source() + ": " + r.reason());
        }
      }
      return 0;
    }
  }

  /** {@code reports html}: one self-contained HTML page. */
  @Command(name = "html", mixinStandardHelpOptions = true,
      description = "Write one self-contained HTML page (no external assets, readable on a phone) with the "
          + "per-domain status, spikes and charts of sessions and failures per day.")
  public static final class Html extends Base {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the HTML file to write")
    private Path out = Path.of("report.html");

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "the state directory of `mta-sts monitor`: adds each domain's policy, records, certificates, "
            + "open alerts and alert history (read only; the monitor may be running)")
    private @Nullable Path stateDir;

    /** Creates the command; picocli calls this. */
    public Html() {}

    @Override
    public Integer call() {
      if (output.json) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--json does not apply to html; use 'reports summary --json' for the numbers");
      }
      InboxResult inbox = read();
      ReportAggregates a = source.aggregate(inbox);
      Instant now = Instant.now();
      Terminal t = output.terminal(spec.commandLine().getOut());
      List<StatusNote> notes = List.of();
      if (stateDir != null) {
        MonitorStatus status = MonitorStatus.read(stateDir);
        for (String problem : status.problems()) {
          t.plain(t.severity(Severity.WARNING), " monitor state not read: ", problem);
        }
        notes = StatusNote.fromMonitor(status, now);
      }
      String html = dev.mtasts.tlsrpt.inbox.ReportHtml.render(inbox, a, now, notes);
      try {
        dev.mtasts.core.internal.AtomicFiles.write(out, html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + out + ": " + Text.message(e), e);
      }
      t.plain("wrote " + out + " (" + a.domains().size() + " domain(s), " + inbox.reports().size() + " report(s))");
      return 0;
    }
  }

  /** A report the summary lists: one with a finding, or one the parser read with warnings (RPT-57). */
  static boolean marked(ReceivedReport r) {
    return !r.findings().isEmpty() || !r.warnings().isEmpty();
  }

  static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  static String top(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    return DomainDay.top(counts, TOP).stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void json(JsonGenerator g, InboxResult inbox, ReportAggregates a, DkimCounts dkim, boolean checked)
      throws IOException {
    g.writeStartObject();
    g.writeNumberField("reports", inbox.reports().size());
    g.writeBooleanField("dkim_checked", checked);
    dkim.json(g, dkim::total);
    g.writeNumberField("duplicates", inbox.duplicates());
    g.writeNumberField("undated", a.undated());
    g.writeNumberField("left_out", a.leftOut());
    g.writeArrayFieldStart("domains");
    for (String domain : a.domains()) {
      g.writeStartObject();
      g.writeStringField("domain", domain);
      g.writeArrayFieldStart("days");
      for (DomainDay d : a.days(domain)) {
        SpikeVerdict v = a.spike(domain, d.day());
        g.writeStartObject();
        g.writeStringField("day", d.day().toString());
        g.writeNumberField("reports", d.reports());
        g.writeNumberField("sessions", d.sessions());
        g.writeNumberField("successful", d.successfulSessions());
        g.writeNumberField("failed", d.failedSessions());
        dkim.json(g, s -> dkim.mails(s, domain, d.day()));
        counts(g, "failures_by_result_type", d.failuresByResultType());
        counts(g, "failures_by_sender", d.failuresBySender());
        counts(g, "failures_by_mx_host", d.failuresByMxHost());
        counts(g, "failures_by_reason", d.failuresByReason());
        g.writeObjectFieldStart("spike");
        g.writeStringField("verdict", v.kind().name());
        g.writeNumberField("rate", v.rate());
        g.writeNumberField("baseline_rate", v.baselineRate());
        g.writeNumberField("baseline_days", v.baselineDays());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("marked");
    for (ReceivedReport r : inbox.reports()) {
      if (!marked(r)) {
        continue;
      }
      g.writeStartObject();
      g.writeStringField("source", r.source());
      Json.nullableString(g, "report_id", r.report().reportId());
      g.writeStringField("dkim", r.dkim().status().name());
      g.writeStringField("dkim_detail", r.dkim().detail());
      g.writeArrayFieldStart("findings");
      for (InboxFinding f : r.findings()) {
        g.writeStartObject();
        g.writeStringField("code", f.code().name());
        g.writeStringField("checklist_id", f.code().checklistId());
        g.writeStringField("message", f.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("warnings");
      for (String w : r.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("skipped");
    for (RejectedInput r : inbox.rejected()) {
      g.writeStartObject();
      g.writeStringField("source", r.source());
      g.writeStringField("reason", r.reason());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void counts(JsonGenerator g, String field, Map<String, Long> counts) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
