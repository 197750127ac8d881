package dev.mtasts.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.cli.MtaStsCli;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.owner.CheckReport;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.FindingCode;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.MxHostCheck;
import dev.mtasts.owner.PolicyDrift;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.fetch.ContentTypeMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mta-sts check}: check a domain's deployment end to end. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check a domain: _mta-sts records, the policy fetch, the policy host certificate, the _smtp._tls "
        + "record, MX hosts against the policy, STARTTLS and certificates of every MX host, and drift.")
public final class CheckCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DOMAIN", description = "the Policy Domain, such as example.com")
  private String domain = "";

  @Mixin
  private NetworkOptions network = new NetworkOptions();

  @Option(names = "--smtp-port", defaultValue = "25", paramLabel = "PORT",
      description = "SMTP port of the MX hosts (default: ${DEFAULT-VALUE})")
  private int smtpPort;

  @Option(names = "--no-smtp", description = "do not contact the MX hosts")
  private boolean noSmtp;

  @Option(names = "--candidate", paramLabel = "FILE", description = "the policy file that should be served; report if it is not")
  private @Nullable Path candidate;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "where to remember the last id and policy seen, to catch a policy changed without a new id "
          + "(default: $XDG_STATE_HOME/mta-sts or ~/.local/state/mta-sts)")
  private @Nullable Path stateDir;

  @Option(names = "--no-state", description = "neither read nor write the remembered id and policy")
  private boolean noState;

  @Option(names = "--explain", description = "print each finding's explanation under it (as 'mta-sts explain CODE')")
  private boolean explain;

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** Creates the command; picocli calls this. */
  public CheckCommand() {}

  @Override
  public Integer call() throws IOException {
    PolicyDomain d = PolicyDomain.of(domain);
    MtaStsPolicy expected = null;
    if (candidate != null) {
      try {
        expected = MtaStsPolicy.parseLenient(InputFiles.read(candidate, "--candidate " + candidate,
            MtaStsPolicy.MAX_BODY_BYTES)).policy();
      } catch (MtaStsParseException e) {
        throw new IllegalArgumentException("--candidate " + candidate + " is not a valid policy: " + e.getMessage(), e);
      }
    }
    MtaStsChecker.Builder b = MtaStsChecker.builder().dnsLookup(network.dns())
        .policyFetcher(network.fetcher(ContentTypeMode.WARN));
    if (!noSmtp) {
      b.smtpProbe(network.probe(smtpPort));
    }
    ObservationStore state = noState ? null
        : new ObservationStore(stateDir != null ? stateDir : ObservationStore.defaultDirectory());
    PolicyDrift.Observation previous = state == null ? null : state.load(d);
    CheckReport report = b.build().check(d, previous, expected).toCompletableFuture().join();
    if (state != null && report.observation() != null) {
      state.save(d, report.observation());
    }
    if (output.json) {
      Json.print(spec.commandLine().getOut(), g -> json(g, report));
    } else {
      human(output.terminal(spec.commandLine().getOut()), report);
    }
    return report.hasErrors() ? MtaStsCli.ERRORS : 0;
  }

  private static void json(JsonGenerator g, CheckReport r) throws IOException {
    g.writeStartObject();
    g.writeStringField("domain", r.domain().name());
    g.writeStringField("checked_at", r.checkedAt().toString());
    g.writeNumberField("errors", count(r, Severity.ERROR));
    g.writeNumberField("warnings", count(r, Severity.WARNING));
    Json.strings(g, "sts_records", r.stsRecords());
    Json.strings(g, "sts_cname_chain", r.stsCnameChain());
    Json.nullableString(g, "policy_id", r.policyId());
    g.writeObjectFieldStart("policy_fetch");
    g.writeStringField("url", r.fetch().uri().toString());
    g.writeNumberField("elapsed_ms", r.fetch().elapsed().toMillis());
    if (r.fetch() instanceof PolicyFetchOutcome.Fetched f) {
      g.writeStringField("outcome", "fetched");
      g.writeNumberField("status", f.status());
      g.writeStringField("content_type", f.contentType());
      g.writeNumberField("bytes", f.body().length);
      Json.certificate(g, "certificate", f.certificate());
    } else {
      PolicyFetchOutcome.Failed f = (PolicyFetchOutcome.Failed) r.fetch();
      g.writeStringField("outcome", "failed");
      g.writeStringField("reason", f.reason().name());
      g.writeStringField("result_type", f.resultType().token());
      g.writeStringField("message", f.message());
      g.writeNumberField("status", f.status());
      Json.certificate(g, "certificate", f.certificate());
    }
    g.writeEndObject();
    Json.policy(g, "policy", r.policy());
    Json.strings(g, "tlsrpt_records", r.tlsRptRecords());
    g.writeArrayFieldStart("mx_hosts");
    for (MxHostCheck m : r.mxHosts()) {
      g.writeStartObject();
      g.writeStringField("host", m.mx().host());
      g.writeNumberField("preference", m.mx().preference());
      Boolean covered = m.coveredByPolicy();
      if (covered == null) {
        g.writeNullField("covered_by_policy"); // no policy fetched: nothing to match (MXM-13)
      } else {
        g.writeBooleanField("covered_by_policy", covered);
      }
      probe(g, m, r.checkedAt());
      g.writeEndObject();
    }
    g.writeEndArray();
    Json.findings(g, r.findings());
    g.writeEndObject();
  }

  private static void probe(JsonGenerator g, MxHostCheck m, Instant now) throws IOException {
    SmtpProbeOutcome p = m.probe();
    g.writeFieldName("probe");
    if (p == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    if (p instanceof SmtpProbeOutcome.Completed c) {
      g.writeStringField("outcome", "tls");
      g.writeStringField("protocol", c.protocol());
      // The verdict an enforcing sender makes: PKIX and the MX host name (MXM-13).
      TlsFailure verdict = m.certificateFailure();
      g.writeBooleanField("trusted", verdict == null);
      Json.nullableString(g, "failure", verdict == null ? null : verdict.resultType().token());
      Json.nullableString(g, "failure_message", verdict == null ? null : verdict.message());
      g.writeNumberField("days_left", c.leaf().timeToExpiry(now).toDays());
      Json.certificate(g, "certificate", c.leaf());
    } else if (p instanceof SmtpProbeOutcome.NoStartTls n) {
      g.writeStringField("outcome", "no_starttls");
      g.writeStringField("message", n.response());
    } else if (p instanceof SmtpProbeOutcome.TlsFailed t) {
      g.writeStringField("outcome", "tls_failed");
      g.writeStringField("message", t.message());
    } else if (p instanceof SmtpProbeOutcome.Unreachable u) {
      g.writeStringField("outcome", "unreachable");
      g.writeStringField("message", u.message());
    }
    g.writeEndObject();
  }

  private static long count(CheckReport r, Severity s) {
    return r.findings().stream().filter(f -> f.severity() == s).count();
  }

  private void human(Terminal t, CheckReport r) {
    t.plain("MTA-STS check of " + r.domain() + " at " + r.checkedAt());
    t.heading("DNS record (" + r.domain().stsRecordName() + ")");
    if (r.stsRecords().isEmpty()) {
      t.line("none");
    }
    for (String v : r.stsRecords()) {
      t.line(v);
    }
    if (!r.stsCnameChain().isEmpty()) {
      t.line("via CNAME " + String.join(" -> ", r.stsCnameChain()));
    }
    t.heading("Policy file (" + r.fetch().uri() + ")");
    if (r.fetch() instanceof PolicyFetchOutcome.Fetched f) {
      t.line("status " + f.status() + ", " + (f.contentType().isEmpty() ? "no Content-Type" : f.contentType()) + ", "
          + f.body().length + " bytes, " + f.elapsed().toMillis() + " ms");
      certificate(t, f.certificate(), r);
      MtaStsPolicy p = f.policy();
      t.line("mode " + p.mode() + ", max_age " + p.maxAgeSeconds() + " (" + Duration.ofSeconds(p.maxAgeSeconds()).toDays()
          + " days), mx " + p.mx());
    } else {
      PolicyFetchOutcome.Failed f = (PolicyFetchOutcome.Failed) r.fetch();
      t.line("failed: " + f.reason() + " (" + f.resultType() + "): " + f.message());
      if (f.certificate() != null) {
        certificate(t, f.certificate(), r);
      }
    }
    t.heading("TLS-RPT record (" + r.domain().tlsRptRecordName() + ")");
    if (r.tlsRptRecords().isEmpty()) {
      t.line("none");
    }
    for (String v : r.tlsRptRecords()) {
      t.line(v);
    }
    t.heading("MX hosts");
    for (MxHostCheck m : r.mxHosts()) {
      String name = m.mx().preference() + " " + (m.mx().isNullMx() ? ". (null MX)" : m.mx().host()) + "  ";
      List<Object> parts = new ArrayList<>(List.of(name, coverage(t, m.coveredByPolicy())));
      probeSummary(t, m, r.checkedAt(), parts);
      t.line(parts.toArray());
    }
    List<Finding> issues = r.findings().stream().filter(f -> f.severity() != Severity.INFO).toList();
    List<Finding> advice = r.findings().stream().filter(f -> f.severity() == Severity.INFO).toList();
    t.heading("Issues");
    if (issues.isEmpty()) {
      t.line(t.ok("none"));
    }
    findings(t, issues);
    if (!advice.isEmpty()) {
      t.heading("Recommendations");
      findings(t, advice);
    }
    t.plain("");
    long errors = count(r, Severity.ERROR);
    long warnings = count(r, Severity.WARNING);
    t.plain(errors + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning" : " warnings"));
  }

  private static void certificate(Terminal t, CertificateSummary c, CheckReport r) {
    t.line("certificate " + c.dnsNames() + " from " + c.issuer() + ", expires " + c.notAfter() + " (in "
        + c.timeToExpiry(r.checkedAt()).toDays() + " days)");
  }

  private static Object coverage(Terminal t, @Nullable Boolean covered) {
    return covered == null ? "no policy to match" : covered ? t.ok("covered by the policy") : "NOT covered by the policy";
  }

  /** Appends what the probe found: the certificate's verdict as a sender makes it, and its expiry (MXM-13). */
  private static void probeSummary(Terminal t, MxHostCheck m, Instant now, List<Object> parts) {
    SmtpProbeOutcome p = m.probe();
    if (p == null) {
      return;
    }
    if (p instanceof SmtpProbeOutcome.Completed c) {
      TlsFailure verdict = m.certificateFailure();
      parts.add("; STARTTLS " + c.protocol() + ", certificate " + c.leaf().dnsNames() + " ");
      parts.add(verdict == null ? t.ok("valid for the host") : "NOT VALID (" + verdict.resultType().token() + ")");
      parts.add(", ");
      expiry(c.leaf(), now, parts);
    } else if (p instanceof SmtpProbeOutcome.NoStartTls) {
      parts.add("; no STARTTLS");
    } else if (p instanceof SmtpProbeOutcome.TlsFailed f) {
      parts.add("; TLS failed: " + f.message());
    } else {
      parts.add("; unreachable: " + ((SmtpProbeOutcome.Unreachable) p).message());
    }
  }

  /** "expires ... (in N days)", a warning under {@link MtaStsChecker#EXPIRY_WARNING}, an error once past (MXM-13). */
  private static void expiry(CertificateSummary c, Instant now, List<Object> parts) {
    Duration left = c.timeToExpiry(now);
    if (left.isNegative()) {
      parts.add("expired " + c.notAfter() + " (" + days(left.negated()) + " ago: error)");
    } else if (left.compareTo(MtaStsChecker.EXPIRY_WARNING) < 0) {
      parts.add("expires " + c.notAfter() + " (in " + days(left) + ", under " + MtaStsChecker.EXPIRY_WARNING.toDays()
          + " days: warning)");
    } else {
      parts.add("expires " + c.notAfter() + " (in " + days(left) + ")");
    }
  }

  private static String days(Duration d) {
    long n = d.toDays();
    return n == 0 ? Durations.human(d) : n == 1 ? "1 day" : n + " days";
  }

  private void findings(Terminal t, List<Finding> findings) {
    for (Finding f : findings) {
      t.line(t.severity(f.severity()), " " + f.code() + " (" + f.checklistId() + "): " + f.message());
      t.line("        Fix: " + fix(f));
      if (explain) {
        // The same paragraph as 'mta-sts explain CODE' and docs/findings.md.
        t.line("        " + f.code().explanation());
      }
    }
  }

  private static String fix(Finding f) {
    return f.code() == FindingCode.STS_RECORD_INVALID || f.code() == FindingCode.POLICY_INVALID
        ? f.fix() + " (see the problems above)" : f.fix();
  }
}
