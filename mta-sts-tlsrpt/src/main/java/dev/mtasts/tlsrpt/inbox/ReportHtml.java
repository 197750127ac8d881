package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import dev.mtasts.core.internal.Counts;
import dev.mtasts.owner.monitor.SpikeVerdict;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.PolicyType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Renders the received reports as one self-contained HTML page (RPT-44): no script, no external
 * stylesheet, font or image, so it opens from a file or a mail attachment and leaks nothing when
 * opened. Per domain: the status at a glance (the policy senders saw, the last day's failure
 * rate, a spike, and any {@link StatusNote}s a monitor passes), the alert history, and inline SVG
 * charts of sessions per day, failures per day by result type and by sending organization, then
 * the top failing MX hosts and reasons. The layout is one column that fits a 360-pixel phone.
 *
 * <p>Every text from a report or a mail is escaped twice: {@link SafeText} makes control and bidi
 * characters visible, then HTML's special characters become entities.
 */
public final class ReportHtml {
  /** The most days charted per domain: the latest ones. */
  public static final int MAX_DAYS = 62;
  /** The most past alerts listed per domain: the newest. */
  public static final int MAX_HISTORY_LINES = 100;
  /** How many senders get their own colour; the others are summed. */
  static final int MAX_SERIES = 6;

  private static final String[] PALETTE = {"#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
      "#7f7f7f"};
  private static final String OK = "#2ca02c";
  private static final int W = 640;
  private static final int H = 220;
  private static final int LEFT = 60;
  private static final int BOTTOM = 34;
  private static final int TOP = 10;

  private ReportHtml() {}

  /**
   * Renders the page.
   *
   * @param inbox what the inbox read (for the marked and skipped inputs)
   * @param aggregates the counts per domain and day
   * @param generatedAt the time shown as the page's date
   * @param notes status and alert lines per domain, such as a monitor's state; may be empty
   * @return the HTML document
   */
  public static String render(InboxResult inbox, ReportAggregates aggregates, Instant generatedAt,
      List<StatusNote> notes) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>TLS-RPT reports</title><style>").append(CSS).append("</style></head><body>\n");
    h.append("<header><h1>TLS-RPT reports</h1><p class=\"meta\">")
        .append(inbox.reports().size()).append(" report(s), ").append(inbox.duplicates())
        .append(" duplicate(s) dropped, ").append(inbox.rejected().size()).append(" input(s) skipped. Generated ")
        .append(text(generatedAt.truncatedTo(ChronoUnit.SECONDS).toString())).append(".</p></header>\n");
    // Grouped once: a monitor of thousands of domains passes a hundred notes for each.
    Map<String, List<StatusNote>> byDomain = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (StatusNote n : notes) {
      byDomain.computeIfAbsent(n.domain(), d -> new ArrayList<>()).add(n);
    }
    if (aggregates.domains().isEmpty() && byDomain.isEmpty()) {
      h.append("<p>No reports.</p>\n");
    }
    for (String domain : aggregates.domains()) {
      domain(h, inbox, aggregates, domain, byDomain.getOrDefault(domain, List.of()));
    }
    Set<String> withReports = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    withReports.addAll(aggregates.domains());
    for (Map.Entry<String, List<StatusNote>> e : byDomain.entrySet()) {
      if (withReports.contains(e.getKey())) {
        continue;
      }
      // A watched domain nobody has reported on yet still shows its status and alerts.
      h.append("<section class=\"domain\"><h2>").append(text(e.getKey())).append("</h2>\n<ul class=\"glance\">");
      badge(h, Severity.WARNING, "No TLS-RPT report received for this domain");
      glance(h, e.getValue());
      h.append("</ul>\n");
      history(h, e.getValue(), List.of());
      h.append("</section>\n");
    }
    marked(h, inbox, aggregates);
    h.append("<footer>RFC 8460 TLS reports, as received; counts are the senders' own.</footer>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void domain(StringBuilder h, InboxResult inbox, ReportAggregates a, String domain,
      List<StatusNote> notes) {
    List<DomainDay> all = a.days(domain);
    List<DomainDay> days = all.subList(Math.max(0, all.size() - MAX_DAYS), all.size());
    DomainDay last = days.get(days.size() - 1);
    SpikeVerdict verdict = a.spike(domain, last.day());
    DomainDay total = a.total(domain).orElseThrow();
    h.append("<section class=\"domain\"><h2>").append(text(domain)).append("</h2>\n<ul class=\"glance\">");
    badge(h, verdict.spike() ? Severity.ERROR : last.failedSessions() > 0 ? Severity.WARNING : null,
        "Last day " + last.day() + ": " + percent(last.failureRate()) + " of " + last.sessions() + " sessions failed");
    badge(h, verdict.spike() ? Severity.ERROR : null, verdict.describe());
    badge(h, null, "Policy senders saw: " + policySeen(inbox, domain));
    glance(h, notes);
    h.append("</ul>\n");
    List<String> spikes = new ArrayList<>();
    for (DomainDay d : all) {
      SpikeVerdict v = a.spike(domain, d.day());
      if (v.spike()) {
        spikes.add(v.describe());
      }
    }
    history(h, notes, spikes);

    Map<String, Function<DomainDay, Long>> sessions = new LinkedHashMap<>();
    sessions.put("successful", DomainDay::successfulSessions);
    sessions.put("failed", DomainDay::failedSessions);
    chart(h, "Sessions per day", days, sessions, new String[] {OK, PALETTE[0]});
    chart(h, "Failures per day by result type", days, series(total.failuresByResultType(), DomainDay::failuresByResultType),
        PALETTE);
    chart(h, "Failures per day by sender", days, series(total.failuresBySender(), DomainDay::failuresBySender), PALETTE);
    table(h, "Top failing MX hosts", total.failuresByMxHost());
    table(h, "Top failure reasons", total.failuresByReason());
    h.append("</section>\n");
  }

  private static void glance(StringBuilder h, List<StatusNote> notes) {
    for (StatusNote n : notes) {
      if (n.kind() == StatusNote.Kind.STATUS) {
        badge(h, n.severity(), n.text());
      }
    }
  }

  /**
   * The alert history: the notes' past alerts, newest first (at most {@link #MAX_HISTORY_LINES}),
   * then the spike days the reports show.
   */
  private static void history(StringBuilder h, List<StatusNote> notes, List<String> spikes) {
    List<String> history = new ArrayList<>();
    for (StatusNote n : notes) {
      if (n.kind() == StatusNote.Kind.ALERT) {
        history.add((n.at() == null ? "" : n.at().truncatedTo(ChronoUnit.SECONDS) + " ")
            + n.severity().token() + ": " + n.text());
      }
    }
    Collections.reverse(history);
    int older = history.size() - MAX_HISTORY_LINES;
    if (older > 0) {
      history.subList(MAX_HISTORY_LINES, history.size()).clear();
      history.add(older + " older alert(s) not shown");
    }
    history.addAll(spikes);
    h.append("<h3>Alert history</h3>");
    if (history.isEmpty()) {
      h.append("<p class=\"meta\">No alerts.</p>\n");
    } else {
      h.append("<ul class=\"history\">");
      for (String line : history) {
        h.append("<li>").append(text(line)).append("</li>");
      }
      h.append("</ul>\n");
    }
  }

  /** One series per key of the largest totals, the rest summed as "others". */
  private static Map<String, Function<DomainDay, Long>> series(Map<String, Long> totals,
      Function<DomainDay, Map<String, Long>> per) {
    Map<String, Function<DomainDay, Long>> out = new LinkedHashMap<>();
    List<Map.Entry<String, Long>> top = DomainDay.top(totals, MAX_SERIES);
    for (Map.Entry<String, Long> e : top) {
      String key = e.getKey();
      out.put(key, d -> per.apply(d).getOrDefault(key, 0L));
    }
    if (totals.size() > top.size()) {
      List<String> shown = top.stream().map(Map.Entry::getKey).toList();
      out.put("others", d -> per.apply(d).entrySet().stream().filter(e -> !shown.contains(e.getKey()))
          .mapToLong(Map.Entry::getValue).sum());
    }
    return out;
  }

  /** A stacked bar chart, one bar per day, one colour per series; each segment one SVG path. */
  private static void chart(StringBuilder h, String title, List<DomainDay> days,
      Map<String, Function<DomainDay, Long>> series, String[] colours) {
    h.append("<figure><figcaption>").append(text(title)).append("</figcaption>\n");
    if (series.isEmpty()) {
      h.append("<p class=\"meta\">None.</p></figure>\n");
      return;
    }
    long max = 1;
    for (DomainDay d : days) {
      long sum = 0;
      for (Function<DomainDay, Long> f : series.values()) {
        sum = Counts.saturatingAdd(sum, f.apply(d));
      }
      max = Math.max(max, sum);
    }
    max = nice(max);
    double plotW = W - LEFT - 8;
    double plotH = H - TOP - BOTTOM;
    LocalDate first = days.get(0).day();
    int slots = (int) ChronoUnit.DAYS.between(first, days.get(days.size() - 1).day()) + 1;
    double slot = plotW / slots;
    double barW = Math.max(1, slot * 0.7);
    h.append("<svg class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" role=\"img\" aria-label=\"").append(text(title)).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (int i = 0; i <= 2; i++) {
      double y = TOP + plotH - plotH * i / 2;
      h.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(W - 8).append("\" y1=\"")
          .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>");
      h.append("<text class=\"axis\" x=\"").append(LEFT - 4).append("\" y=\"").append(fmt(y + 4))
          .append("\" text-anchor=\"end\">").append(max * i / 2).append("</text>");
    }
    int labelEvery = Math.max(1, (int) Math.ceil(slots / 6.0));
    // Counted back from the last day, so that the newest day always has its label.
    for (int i = (slots - 1) % labelEvery; i < slots; i += labelEvery) {
      double x = LEFT + slot * i + slot / 2;
      h.append("<text class=\"axis\" x=\"").append(fmt(x)).append("\" y=\"").append(H - 10)
          .append("\" text-anchor=\"middle\">").append(first.plusDays(i).toString().substring(5)).append("</text>");
    }
    for (DomainDay d : days) {
      double x = LEFT + slot * ChronoUnit.DAYS.between(first, d.day()) + (slot - barW) / 2;
      double y = TOP + plotH;
      int c = 0;
      for (Map.Entry<String, Function<DomainDay, Long>> s : series.entrySet()) {
        long v = s.getValue().apply(d);
        String colour = colours[c++ % colours.length];
        if (v <= 0) {
          continue;
        }
        double bh = plotH * v / max;
        y -= bh;
        h.append("<path fill=\"").append(colour).append("\" d=\"M").append(fmt(x)).append(' ').append(fmt(y))
            .append("h").append(fmt(barW)).append("v").append(fmt(bh)).append("h").append(fmt(-barW))
            .append("z\"><title>").append(text(d.day() + " " + s.getKey() + ": " + v)).append("</title></path>");
      }
    }
    h.append("</svg>\n<ul class=\"legend\">");
    int c = 0;
    for (String name : series.keySet()) {
      h.append("<li><span class=\"swatch\" style=\"background:").append(colours[c++ % colours.length])
          .append("\"></span>").append(text(name)).append("</li>");
    }
    h.append("</ul></figure>\n");
  }

  private static void table(StringBuilder h, String title, Map<String, Long> counts) {
    h.append("<h3>").append(text(title)).append("</h3>");
    if (counts.isEmpty()) {
      h.append("<p class=\"meta\">None.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table><tbody>");
    for (Map.Entry<String, Long> e : DomainDay.top(counts, 10)) {
      h.append("<tr><td>").append(text(e.getKey())).append("</td><td class=\"n\">").append(e.getValue())
          .append("</td></tr>");
    }
    h.append("</tbody></table></div>\n");
  }

  private static void marked(StringBuilder h, InboxResult inbox, ReportAggregates a) {
    List<ReceivedReport> marked = inbox.reports().stream().filter(r -> !r.findings().isEmpty()).toList();
    if (marked.isEmpty() && inbox.rejected().isEmpty()) {
      return;
    }
    h.append("<section><h2>Delivery problems</h2>");
    if (!marked.isEmpty()) {
      // Kept and listed, but not all counted: say which are not, rather than call them all counted.
      h.append("<h3>Marked reports</h3><p class=\"meta\">Kept and listed. Left out of the counts: ")
          .append(a.leftOut()).append(" with an implausible date-range, ").append(a.undated())
          .append(" without one, any policy whose policy-domain is not a domain name")
          .append(a.authenticatedOnly() ? ", and every report not authenticated (--authenticated-only)" : "")
          .append(".</p><ul class=\"history\">");
      for (ReceivedReport r : marked) {
        h.append("<li><b>").append(text(r.source())).append("</b>");
        for (InboxFinding f : r.findings()) {
          h.append("<br>").append(text(f.code().checklistId() + " " + f.message()));
        }
        h.append("</li>");
      }
      h.append("</ul>");
    }
    if (!inbox.rejected().isEmpty()) {
      h.append("<h3>Skipped inputs</h3><ul class=\"history\">");
      for (RejectedInput r : inbox.rejected()) {
        h.append("<li><b>").append(text(r.source())).append("</b>: ").append(text(r.reason())).append("</li>");
      }
      h.append("</ul>");
    }
    h.append("</section>\n");
  }

  /** The policy the latest report about the domain says senders applied. */
  private static String policySeen(InboxResult inbox, String domain) {
    ReceivedReport latest = null;
    PolicyReport policy = null;
    for (ReceivedReport r : inbox.reports()) {
      for (PolicyReport p : r.report().policies()) {
        String d = p.policy().policyDomain();
        if (d != null && d.equalsIgnoreCase(domain) && r.report().dateRange() != null && (latest == null
            || r.report().dateRange().end().isAfter(java.util.Objects.requireNonNull(latest.report().dateRange()).end()))) {
          latest = r;
          policy = p;
        }
      }
    }
    if (policy == null) {
      return "unknown";
    }
    if (policy.policy().policyType() != PolicyType.STS) {
      return policy.policy().policyType().token();
    }
    String mode = "mode not given";
    for (String line : policy.policy().policyStrings()) {
      if (line.startsWith("mode:")) {
        mode = "mode " + line.substring(5).strip();
      }
    }
    List<String> mx = policy.policy().mxHosts();
    return "MTA-STS, " + mode + (mx.isEmpty() ? "" : ", mx " + String.join(", ", mx));
  }

  private static void badge(StringBuilder h, @org.jspecify.annotations.Nullable Severity severity, String line) {
    String cls = severity == null ? "ok" : severity.token();
    h.append("<li class=\"").append(cls).append("\">").append(text(line)).append("</li>");
  }

  private static long nice(long max) {
    long step = 1;
    while (step * 10 < max) {
      step *= 10;
    }
    for (long m : new long[] {1, 2, 5, 10}) {
      if (step * m >= max) {
        return step * m;
      }
    }
    return step * 10;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  /** Escapes text for HTML after making control and bidi characters visible (SEC-12). */
  static String text(String s) {
    String safe = SafeText.escape(s);
    StringBuilder sb = new StringBuilder(safe.length() + 16);
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final String CSS = "*{box-sizing:border-box}"
      + "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:960px;"
      + "padding:12px;color:#1b1b1b;background:#fff}"
      + "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;margin:1.2em 0 .4em;word-break:break-all}"
      + "h3{font-size:1em;margin:1em 0 .3em}.meta{color:#555;margin:.2em 0}"
      + "section.domain{border-top:2px solid #ddd;margin-top:1em}"
      + "ul.glance{list-style:none;padding:0;margin:.4em 0}ul.glance li{padding:.35em .6em;margin:.25em 0;"
      + "border-left:5px solid #2ca02c;background:#f3f8f3;overflow-wrap:anywhere}"
      + "ul.glance li.warning{border-color:#ff9800;background:#fff6e6}"
      + "ul.glance li.error{border-color:#d62728;background:#fdecec}"
      + "ul.glance li.info{border-color:#1f77b4;background:#eef5fb}"
      + "ul.history{padding-left:1.2em;overflow-wrap:anywhere}"
      + "figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}"
      + "svg.chart{width:100%;max-width:720px;height:auto;display:block}"
      + ".grid{stroke:#e3e3e3;stroke-width:1}.axis{font-size:14px;fill:#555}"
      + "ul.legend{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.9em}"
      + ".swatch{display:inline-block;width:.8em;height:.8em;margin-right:.35em;vertical-align:-1px;border-radius:2px}"
      + ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}"
      + "td{padding:.25em .4em;border-bottom:1px solid #eee;overflow-wrap:anywhere}td.n{text-align:right;width:6em}"
      + "footer{color:#777;font-size:.85em;margin:2em 0 1em}"
      + "@media (max-width:480px){body{font-size:14px;padding:8px}}";
}
