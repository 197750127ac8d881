package dev.mtasts.cli.internal;

import dev.mtasts.cli.MtaStsCli;
import dev.mtasts.core.ExtensionField;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.ParseMode;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.ParseReport;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.owner.Explanations;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.PolicyGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mta-sts lint}: check a policy file, or a {@code _mta-sts} or {@code _smtp._tls} record
 * value. A policy file is read strictly (RFC 8461 §3.2) unless {@code --as-sender}, and gets the
 * same mode and {@code max_age} advice as {@code generate}.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Check a policy file (FILE, or - for standard input), or a TXT record value with --record.")
public final class LintCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "the policy file, or - for standard input")
  private @Nullable String file;

  @Option(names = "--record", paramLabel = "TXT", description = "a _mta-sts (v=STSv1) or _smtp._tls (v=TLSRPTv1) value")
  private @Nullable String record;

  @Option(names = "--strict", description = "read the policy exactly as RFC 8461 §3.2 says (the default)")
  private boolean strict;

  @Option(names = "--as-sender", description = "read the policy as lenient senders do: tolerated deviations are warnings")
  private boolean asSender;

  @Option(names = "--explain", description = "print each code's explanation under it (as 'mta-sts explain CODE')")
  private boolean explain;

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** Creates the command; picocli calls this. */
  public LintCommand() {}

  @Override
  public Integer call() throws IOException {
    if ((file == null) == (record == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give either FILE (or -) or --record TXT");
    }
    if (strict && asSender) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--strict and --as-sender exclude each other");
    }
    return record != null ? lintRecord(record) : lintPolicy(java.util.Objects.requireNonNull(file));
  }

  private int lintPolicy(String name) throws IOException {
    byte[] body;
    if (name.equals("-")) {
      InputStream in = System.in;
      body = in.readNBytes(MtaStsPolicy.MAX_BODY_BYTES + 1);
    } else {
      // One byte over the cap, so the linter reports an oversized file instead of a cut one.
      body = InputFiles.readAtMost(Path.of(name), name, MtaStsPolicy.MAX_BODY_BYTES);
    }
    // Strict by default: an owner linting their own file wants the RFC's verdict (RFC 8461 §3.2);
    // --as-sender shows what lenient senders make of it.
    ParseReport<MtaStsPolicy> report = MtaStsPolicy.lint(body, asSender ? ParseMode.LENIENT : ParseMode.STRICT);
    ParseReport<MtaStsPolicy> lenient = asSender ? report : MtaStsPolicy.lint(body, ParseMode.LENIENT);
    boolean lenientOnly = !report.isValid() && lenient.isValid();
    MtaStsPolicy p = report.value();
    List<Finding> advice = p == null ? List.of() : PolicyGenerator.advise(p, null);
    boolean errors = !report.isValid() || advice.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    if (output.json) {
      Json.print(spec.commandLine().getOut(), g -> {
        g.writeStartObject();
        g.writeBooleanField("valid", report.isValid());
        g.writeStringField("read_as", asSender ? "sender" : "strict");
        g.writeBooleanField("lenient_only", lenientOnly);
        Json.policy(g, "policy", p);
        Json.problems(g, report.problems());
        Json.findings(g, advice);
        g.writeEndObject();
      });
    } else {
      Terminal t = output.terminal(spec.commandLine().getOut());
      String what = (name.equals("-") ? "standard input" : name)
          + (asSender ? " (as lenient senders read it)" : " (strict, RFC 8461 §3.2)");
      t.plain(report.isValid() ? t.ok("valid") : "invalid", ": " + what);
      if (lenientOnly) {
        t.line(tolerance(lenient.problems()));
      }
      if (p != null) {
        t.line("mode " + p.mode() + ", max_age " + Durations.human(p.maxAge()) + ", mx " + p.mx());
      }
      problems(t, report.problems(), false);
      for (Finding f : advice) {
        t.line(t.severity(f.severity()), " " + f.code() + " (" + f.checklistId() + "): " + f.message());
        t.line("        Fix: " + f.fix());
        explanation(t, f.code().name());
      }
    }
    return errors ? MtaStsCli.ERRORS : 0;
  }

  /**
   * The one line that says why strict and lenient readings disagree, naming what lenient senders
   * tolerate (the warnings of the lenient reading that the strict one calls errors).
   */
  private static String tolerance(List<ParseProblem> tolerated) {
    List<String> what = tolerated.stream().map(ParseProblem::code).distinct().map(c -> "'" + c.summary() + "'").toList();
    String list = what.size() == 1 ? what.get(0)
        : String.join(", ", what.subList(0, what.size() - 1)) + " and " + what.get(what.size() - 1);
    return "senders that tolerate " + list + " will accept it; the RFC does not"
        + " (--as-sender reads it their way)";
  }

  private int lintRecord(String value) {
    boolean tlsrpt = value.startsWith("v=TLSRPTv1");
    ParseReport<?> report = tlsrpt ? TlsRptRecord.lint(value) : MtaStsRecord.lint(value);
    if (output.json) {
      Json.print(spec.commandLine().getOut(), g -> {
        g.writeStartObject();
        g.writeBooleanField("valid", report.isValid());
        g.writeFieldName("record");
        Object v = report.value();
        if (v == null) {
          g.writeNull();
        } else {
          g.writeStartObject();
          List<ExtensionField> ext;
          if (v instanceof TlsRptRecord r) {
            g.writeStringField("type", "tlsrpt");
            g.writeArrayFieldStart("rua");
            for (URI u : r.rua()) {
              g.writeString(u.toString());
            }
            g.writeEndArray();
            ext = r.extensions();
          } else {
            MtaStsRecord r = (MtaStsRecord) v;
            g.writeStringField("type", "sts");
            g.writeStringField("id", r.id());
            ext = r.extensions();
          }
          g.writeObjectFieldStart("extensions");
          for (ExtensionField f : ext) {
            g.writeStringField(f.name(), f.value());
          }
          g.writeEndObject();
          g.writeEndObject();
        }
        Json.problems(g, report.problems());
        g.writeEndObject();
      });
    } else {
      Terminal t = output.terminal(spec.commandLine().getOut());
      String kind = tlsrpt ? "_smtp._tls record" : "_mta-sts record";
      t.plain(report.isValid() ? t.ok("valid") : "invalid", " " + kind + ": " + value);
      problems(t, report.problems(), true);
    }
    return report.isValid() ? 0 : MtaStsCli.ERRORS;
  }

  private void problems(Terminal t, List<ParseProblem> problems, boolean singleLine) {
    for (ParseProblem p : problems) {
      String where = p.line() > 0 && !singleLine ? "line " + p.line() + (p.column() > 0 ? ":" + p.column() : "") + " "
          : p.column() > 0 ? "column " + p.column() + " " : "";
      t.line(t.severity(p.severity()), " " + where + p.code() + " (" + p.code().checklistId() + "): " + p.message());
      explanation(t, p.code().name());
    }
  }

  /** With {@code --explain}: the code's paragraph from docs/findings.md, under the line that names it. */
  private void explanation(Terminal t, String code) {
    if (explain) {
      Explanations.of(code).ifPresent(text -> t.line("        " + text));
    }
  }
}
