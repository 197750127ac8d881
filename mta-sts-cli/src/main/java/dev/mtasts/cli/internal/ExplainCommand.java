package dev.mtasts.cli.internal;

import dev.mtasts.cli.MtaStsCli;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.SafeText;
import dev.mtasts.owner.Explanations;
import dev.mtasts.owner.FindingCode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mta-sts explain CODE}: the one-paragraph explanation of a finding code or a parser
 * problem code, from the same source as {@code docs/findings.md} ({@link Explanations}). An unknown
 * code is a usage error (exit 2) that names the closest codes.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain a finding or problem code (such as MX_NOT_COVERED); --list prints every code.")
public final class ExplainCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "CODE", description = "a code, in any case")
  private @Nullable String code;

  @Option(names = "--list", description = "print every code that has an explanation")
  private boolean list;

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** Creates the command; picocli calls this. */
  public ExplainCommand() {}

  @Override
  public Integer call() {
    Terminal t = output.terminal(spec.commandLine().getOut());
    if (list) {
      Explanations.codes().forEach(t::plain);
      return 0;
    }
    if (code == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give a CODE, or --list");
    }
    String name = code.strip().toUpperCase(Locale.ROOT);
    String text = Explanations.of(name).orElse(null);
    if (text == null) {
      List<String> close = Suggestions.closest(name, Explanations.codes());
      var err = spec.commandLine().getErr();
      err.println("mta-sts explain: unknown code '" + SafeText.escape(code) + "'");
      err.println(close.isEmpty() ? "Run 'mta-sts explain --list' for every code."
          : "Did you mean: " + String.join(", ", close) + "?");
      return MtaStsCli.USAGE;
    }
    t.plain(name);
    FindingCode finding = Arrays.stream(FindingCode.values()).filter(c -> c.name().equals(name)).findFirst().orElse(null);
    if (finding != null) {
      t.line("Finding, " + finding.defaultSeverity().token() + " by default, rule " + finding.checklistId()
          + ". Fix: " + finding.fix());
    }
    Arrays.stream(ProblemCode.values()).filter(c -> c.name().equals(name)).findFirst().ifPresent(p ->
        t.line("Parser problem (lint), rule " + p.checklistId() + ": " + p.summary() + "."));
    t.plain("");
    t.plain(text);
    return 0;
  }
}
