package dev.mtasts.cli;

import dev.mtasts.cli.internal.CheckCommand;
import dev.mtasts.cli.internal.ExplainCommand;
import dev.mtasts.cli.internal.GenerateCommand;
import dev.mtasts.cli.internal.LintCommand;
import dev.mtasts.cli.internal.PostfixCommand;
import dev.mtasts.cli.internal.ReportsCommand;
import dev.mtasts.cli.internal.ResolveCommand;
import dev.mtasts.cli.internal.MonitorCommand;
import dev.mtasts.cli.internal.Suggestions;
import dev.mtasts.core.SafeText;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mta-sts} command: {@code generate}, {@code check}, {@code lint}, {@code resolve},
 * {@code explain}, {@code reports}, {@code monitor} and {@code postfix}.
 *
 * <p>Exit codes: 0 clean, 1 errors found or invalid input, 2 usage error. An unknown command is a
 * usage error even when {@code --help} follows it: it names the closest commands, not the help page.
 */
@Command(name = "mta-sts", mixinStandardHelpOptions = true, versionProvider = MtaStsCli.Version.class,
    description = "MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): generate, check, lint and resolve policies; "
        + "explain a finding code; monitor domains; summarise received TLS reports; run the Postfix policy server.",
    subcommands = {GenerateCommand.class, CheckCommand.class, LintCommand.class, ResolveCommand.class,
        ExplainCommand.class, MonitorCommand.class, ReportsCommand.class, PostfixCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:clean", "1:errors found or invalid input", "2:usage error"})
public final class MtaStsCli implements Runnable {
  /** Exit code: errors found or invalid input. */
  public static final int ERRORS = 1;
  /** Exit code: usage error. */
  public static final int USAGE = 2;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Creates the top-level command; picocli calls this. */
  public MtaStsCli() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // Library warnings would clutter the report the command prints; --verbose turns them on.
      boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
      // The postfix daemon logs at INFO: its log is its report (docs/postfix.md).
      boolean daemon = args.length > 0 && args[0].equals("postfix");
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : daemon ? "info" : "off");
      System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
    CommandLine cmd = new CommandLine(new MtaStsCli());
    cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // A message may quote a file or a server (SEC-12): escaped like all human output.
      commandLine.getErr().println("mta-sts: " + SafeText.escape(String.valueOf(
          ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
              || ex instanceof java.io.UncheckedIOException ? ex.getMessage() : ex.toString())));
      return ERRORS;
    });
    cmd.setParameterExceptionHandler((ex, parsed) -> {
      // The message and where the usage is, not the whole usage page: the error stays visible.
      CommandLine c = ex.getCommandLine();
      PrintWriter e = c.getErr();
      e.println("mta-sts: " + SafeText.escape(String.valueOf(ex.getMessage())));
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
      e.println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the usage.");
      return USAGE;
    });
    String unknown = unknownCommand(cmd, args);
    if (unknown != null) {
      // Checked before picocli parses: "frobnicate --help" would otherwise print the help page and exit 0.
      PrintWriter e = cmd.getErr();
      e.println("mta-sts: unknown command '" + SafeText.escape(unknown) + "'");
      List<String> close = Suggestions.closest(unknown, cmd.getSubcommands().keySet());
      e.println(close.isEmpty() ? "The commands are: " + String.join(", ", cmd.getSubcommands().keySet()) + "."
          : "Did you mean: " + String.join(" or ", close) + "?");
      e.println("Run 'mta-sts --help' for the usage.");
      return USAGE;
    }
    return cmd.execute(args);
  }

  /** The first argument when it is neither an option nor a command; the top level takes no operands. */
  private static @Nullable String unknownCommand(CommandLine cmd, String[] args) {
    if (args.length == 0 || args[0].startsWith("-") || cmd.getSubcommands().containsKey(args[0])) {
      return null;
    }
    return args[0];
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required: generate, check, lint, resolve, explain, monitor, reports or postfix");
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MtaStsCli.class.getPackage().getImplementationVersion();
      return new String[] {"mta-sts " + (v != null ? v : "(development build)"),
          "Java " + System.getProperty("java.version")};
    }
  }
}
