package dev.mtasts.cli.internal;

import dev.mtasts.cli.MtaStsCli;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.fetch.ContentTypeMode;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertJson;
import dev.mtasts.owner.monitor.AlertSink;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.DomainStatus;
import dev.mtasts.owner.monitor.JsonLinesAlertSink;
import dev.mtasts.owner.monitor.MailAlertSink;
import dev.mtasts.owner.monitor.MonitorRound;
import dev.mtasts.owner.monitor.MonitorScheduler;
import dev.mtasts.owner.monitor.MonitorStatus;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.owner.monitor.WebhookAlertSink;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.InboxReportSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mta-sts monitor}: watch domains over time and report what changed (docs/alerts.md). */
@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = "Watch domains over time: check each on a schedule, remember what was seen in a state directory, "
        + "and print an alert when something changes (expiring certificates, MX hosts not in the policy, a policy "
        + "changed without a new id, an unreachable policy host...). The alert codes are in docs/alerts.md.")
public final class MonitorCommand implements Callable<Integer> {
  /** The most bytes of a --domains file: 10,000 domains of 100 characters. */
  static final int MAX_DOMAINS_FILE_BYTES = 1 << 20;
  /** The wait before the second webhook attempt (the third waits twice as long). */
  static final Duration WEBHOOK_RETRY = Duration.ofSeconds(5);
  private static final Pattern PERIOD = Pattern.compile("(\\d{1,9})([smhd]?)");

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--domains", paramLabel = "FILE",
      description = "the domains to watch, one a line; blank lines and lines starting with # are skipped "
          + "(required with --once and --every)")
  private @Nullable Path domainsFile;

  @Option(names = "--state-dir", required = true, paramLabel = "DIR",
      description = "where the monitor remembers each domain's last observation and open alerts")
  private Path stateDir = Path.of("");

  @Option(names = "--once", description = "run one round and exit: status 1 if an error alert is open (for cron)")
  private boolean once;

  @Option(names = "--status", description = "check nothing: print what the state directory says (each domain's last "
      + "check and open alerts, as JSON lines of the open alerts with --json) and exit: status 1 if an error alert "
      + "is open; the monitor may be running")
  private boolean status;

  @Option(names = "--every", paramLabel = "PERIOD",
      description = "run a round every PERIOD until stopped, such as 1h, 30m, 1d or 3600 (seconds)")
  private @Nullable String every;

  @Option(names = "--failures", defaultValue = "3", paramLabel = "N",
      description = "consecutive failures before an unreachable alert (default: ${DEFAULT-VALUE})")
  private int failures;

  @Option(names = "--reminder", defaultValue = "7d", paramLabel = "PERIOD",
      description = "send an open alert again after this long (default: ${DEFAULT-VALUE})")
  private String reminder = "7d";

  @Option(names = "--alerts-file", paramLabel = "FILE", description = "also append each alert as a JSON line to FILE")
  private @Nullable Path alertsFile;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "also POST each alert as JSON to this https: URL (3 attempts, 5 and 10 seconds apart; "
          + "--ca-file applies)")
  private @Nullable URI webhook;

  @Option(names = "--mail-to", paramLabel = "ADDRESS", description = "also mail each alert to ADDRESS (repeatable)")
  private List<String> mailTo = new ArrayList<>();

  @Option(names = "--mail-from", paramLabel = "ADDRESS", description = "the sender of alert mails (required with --mail-to)")
  private @Nullable String mailFrom;

  @Option(names = "--mail-server", paramLabel = "HOST:PORT", defaultValue = "localhost:25",
      description = "the SMTP server for alert mails, STARTTLS required (default: ${DEFAULT-VALUE})")
  private String mailServer = "localhost:25";

  @Option(names = "--mail-plaintext", description = "send alert mails even if the server offers no STARTTLS")
  private boolean mailPlaintext;

  @Option(names = "--reports", paramLabel = "DIR",
      description = "received TLS-RPT reports (Maildir, mbox, .eml, .json): for the ready-for-enforce and spike alerts")
  private @Nullable Path reports;

  @Option(names = "--authenticated-only",
      description = "with --reports, count only HTTPS submissions and mails with a passing DKIM signature")
  private boolean authenticatedOnly;

  @Option(names = "--smtp-port", defaultValue = "25", paramLabel = "PORT",
      description = "SMTP port of the MX hosts (default: ${DEFAULT-VALUE})")
  private int smtpPort;

  @Option(names = "--no-smtp", description = "do not contact the MX hosts")
  private boolean noSmtp;

  @Mixin
  private NetworkOptions network = new NetworkOptions();

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** With --reports: --no-dkim (RPT-48). */
  @Mixin
  private DkimOptions dkim = new DkimOptions();

  /** Creates the command; picocli calls this. */
  public MonitorCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    if ((once ? 1 : 0) + (every != null ? 1 : 0) + (status ? 1 : 0) != 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --once, --every and --status");
    }
    if (status) {
      return status(spec.commandLine().getOut());
    }
    // Usage errors (exit 2) before anything is read or contacted.
    if (failures < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--failures must be at least 1, not " + failures);
    }
    if (!mailTo.isEmpty() && mailFrom == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--mail-to needs --mail-from");
    }
    Duration reminderPeriod = usagePeriod(reminder, "--reminder");
    Duration everyPeriod = every == null ? null : usagePeriod(every, "--every");
    Path reportDir = reports;
    if (reportDir != null && !Files.exists(reportDir)) {
      throw new IllegalArgumentException("--reports " + reportDir + ": no such file or directory");
    }
    List<PolicyDomain> domains = domains();
    MtaStsChecker.Builder cb = MtaStsChecker.builder().dnsLookup(network.dns())
        .policyFetcher(network.fetcher(ContentTypeMode.WARN));
    if (!noSmtp) {
      cb.smtpProbe(network.probe(smtpPort));
    }
    PrintWriter out = spec.commandLine().getOut();
    Terminal terminal = output.terminal(out);
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "mta-sts-monitor");
      t.setDaemon(true);
      return t;
    });
    JsonLinesAlertSink file = alertsFile == null ? null : JsonLinesAlertSink.toFile(alertsFile);
    AtomicInteger undelivered = new AtomicInteger();
    try {
      MtaStsMonitor.Builder b = MtaStsMonitor.builder().checker(cb.build()).domains(domains).stateDirectory(stateDir)
          .scheduler(MonitorScheduler.of(timers)).failuresBeforeAlert(failures)
          .reminder(reminderPeriod)
          .checkDeadline(network.timeout().multipliedBy(4)).addSink(print(out, terminal));
      if (file != null) {
        b.addSink(reporting(file, "--alerts-file " + alertsFile, undelivered));
      }
      if (reports != null) {
        InboxReportSource.Builder source = InboxReportSource.builder(reports).authenticatedOnly(authenticatedOnly)
            .executor(timers);
        DkimVerifier verifier = dkim.verifier(network.dnsOptions, spec.commandLine().getErr());
        if (verifier != null) {
          source.dkimVerifier(verifier);
        }
        b.reportSource(source.build());
      }
      if (!mailTo.isEmpty()) {
        b.addSink(reporting(mailSink(timers), "mail to " + String.join(", ", mailTo), undelivered));
      }
      if (webhook != null) {
        WebhookAlertSink.Builder w = WebhookAlertSink.builder(webhook).executor(timers)
            .scheduler(MonitorScheduler.of(timers)).timeout(network.timeout()).retryDelay(WEBHOOK_RETRY);
        javax.net.ssl.X509ExtendedTrustManager trust = network.trustManager();
        if (trust != null) {
          w.sslContext(sslContext(trust));
        }
        b.addSink(reporting(w.build(), "the webhook " + webhook, undelivered));
      }
      try (MtaStsMonitor monitor = b.build()) {
        if (once) {
          MonitorRound round = monitor.runOnce().toCompletableFuture().join();
          // Three webhook attempts at most, each within --timeout, with 5 and 10 seconds between them.
          round.delivered().toCompletableFuture().get(network.timeout().toSeconds() * 3
              + WEBHOOK_RETRY.toSeconds() * 3 + 5, TimeUnit.SECONDS);
          if (!output.json) {
            summary(terminal, round);
          }
          // An alert that reached no one is as bad as an open error for cron: say it in the status too.
          return round.hasOpenErrors() || undelivered.get() > 0 ? MtaStsCli.ERRORS : 0;
        }
        monitor.start(everyPeriod == null ? Duration.ofHours(1) : everyPeriod);
        new CountDownLatch(1).await(); // until the process is stopped
        return 0;
      }
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the alerts could not all be delivered in time", e);
    } finally {
      if (file != null) {
        file.close();
      }
      timers.shutdownNow();
    }
  }

  /**
   * Wraps a sink so that an alert it fails to deliver is said at once on standard error, not only
   * in the log that is off by default: a cron job's owner learns the alert channel is broken.
   */
  private AlertSink reporting(AlertSink sink, String channel, AtomicInteger undelivered) {
    PrintWriter err = spec.commandLine().getErr();
    return a -> {
      CompletionStage<Void> s;
      try {
        s = sink.publish(a);
      } catch (RuntimeException e) {
        s = CompletableFuture.failedStage(e);
      }
      return s.whenComplete((v, t) -> {
        if (t != null) {
          undelivered.incrementAndGet();
          synchronized (err) {
            err.println("mta-sts: alert " + a.code() + " for " + a.domain().name() + " not delivered to " + channel
                + ": " + Text.message(t));
            err.flush();
          }
        }
      });
    };
  }

  /** A period option, or a usage error saying what is expected. */
  private Duration usagePeriod(String value, String option) {
    try {
      return period(value, option);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code --status}: what the state directory says, read without checking or locking (MON-59). */
  private int status(PrintWriter out) {
    MonitorStatus state = MonitorStatus.read(stateDir);
    Terminal t = output.terminal(out);
    boolean errors = false;
    for (DomainStatus d : state.domains()) {
      if (!output.json) {
        t.heading(d.domain().name() + ": " + (d.lastChecked() == null ? "not checked yet"
            : "last checked " + d.lastChecked().truncatedTo(ChronoUnit.SECONDS) + ", "
                + (d.open().isEmpty() ? "no open alert" : d.open().size() + " open alert(s)")));
      }
      for (Alert a : d.open()) {
        errors |= a.severity() == Severity.ERROR;
        if (output.json) {
          out.println(AlertJson.toJson(a));
        } else {
          human(t, a);
          t.line("since " + a.since().truncatedTo(ChronoUnit.SECONDS));
        }
      }
    }
    for (String problem : state.problems()) {
      spec.commandLine().getErr().println("mta-sts: monitor state not read: " + SafeText.escape(problem));
    }
    if (!output.json && state.domains().isEmpty()) {
      t.plain("no domain in " + stateDir + " yet");
    }
    out.flush();
    // A state file that could not be read may hold open errors: not a clean bill of health.
    return errors || !state.problems().isEmpty() ? MtaStsCli.ERRORS : 0;
  }

  /** Prints each alert as it comes: JSON lines with --json, else one human line and its fix. */
  private AlertSink print(PrintWriter out, Terminal t) {
    return a -> {
      synchronized (out) {
        if (output.json) {
          out.println(AlertJson.toJson(a));
        } else {
          human(t, a);
        }
        out.flush();
      }
      return CompletableFuture.completedStage(null);
    };
  }

  private static void human(Terminal t, Alert a) {
    t.plain(t.severity(a.severity()), " " + a.status().token().toUpperCase(Locale.ROOT) + " " + a.code() + " "
        + a.domain().name() + " " + a.subject());
    if (a.before() != null) {
      t.line("before: " + a.before());
    }
    if (a.after() != null) {
      t.line((a.before() == null ? "" : "after:  ") + a.after());
    }
    if (a.status() != AlertStatus.RESOLVED) {
      t.line("Fix: " + a.fix());
    }
  }

  private static void summary(Terminal t, MonitorRound round) {
    long errors = round.open().stream().filter(o -> o.severity() == Severity.ERROR).count();
    t.plain("");
    t.plain(round.alerts().size() + (round.alerts().size() == 1 ? " alert sent, " : " alerts sent, ")
        + round.open().size() + " open (" + errors + (errors == 1 ? " error)" : " errors)"));
    for (MonitorRound.OpenCondition o : round.open()) {
      t.line(t.severity(o.severity()), " " + o.code() + " " + o.domain().name() + " " + o.subject() + " since "
          + o.since().truncatedTo(ChronoUnit.SECONDS));
    }
  }

  private MailAlertSink mailSink(ScheduledExecutorService executor) {
    if (mailFrom == null) {
      throw new IllegalArgumentException("--mail-to needs --mail-from");
    }
    java.net.InetSocketAddress server = NetworkOptions.hostPort(mailServer, "--mail-server");
    MailAlertSink.Builder m = MailAlertSink.builder().server(server.getHostString(), server.getPort()).from(mailFrom)
        .executor(executor).timeout(network.timeout());
    mailTo.forEach(m::to);
    javax.net.ssl.X509ExtendedTrustManager trust = network.trustManager();
    if (trust != null) {
      m.sslContext(sslContext(trust));
    }
    if (mailPlaintext) {
      m.allowPlaintext();
    }
    return m.build();
  }

  private static javax.net.ssl.SSLContext sslContext(javax.net.ssl.X509ExtendedTrustManager trust) {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context", e);
    }
  }

  private List<PolicyDomain> domains() {
    Path file = domainsFile;
    if (file == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--domains FILE is required with --once and --every");
    }
    byte[] bytes = InputFiles.read(file, "--domains " + file, MAX_DOMAINS_FILE_BYTES);
    List<PolicyDomain> out = new ArrayList<>();
    int n = 0;
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1)) {
      n++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      try {
        out.add(PolicyDomain.of(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--domains " + file + " line " + n + ": " + e.getMessage(), e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--domains " + file + " lists no domain");
    }
    return out;
  }

  /** Parses "90", "90s", "30m", "1h", "7d" (MON-33: whole seconds, at least one). */
  static Duration period(String value, String option) {
    Matcher m = PERIOD.matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " must be a number with s, m, h or d, such as 1h, not '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException(option + " must be at least 1 second, not " + Durations.human(d));
    }
    return d;
  }
}
