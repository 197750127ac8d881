package dev.mtasts.cli.internal;

import dev.mtasts.postfix.PostfixDaemon;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mta-sts postfix}: runs the MTA-STS policy server for Postfix's
 * {@code smtp_tls_policy_maps}, with the same options and exit codes as
 * {@code java -jar mta-sts-postfix.jar} ({@link PostfixDaemon}, docs/postfix.md).
 */
@Command(name = "postfix", mixinStandardHelpOptions = true,
    description = "Run the MTA-STS policy server for Postfix's smtp_tls_policy_maps (socketmap); "
        + "see docs/postfix.md.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly, or the configuration is valid", "1:configuration errors", "2:usage error",
        "3:could not start"})
public final class PostfixCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "the YAML configuration (default /etc/mta-sts/postfix.yml; the defaults if it is absent)")
  private @Nullable Path config;

  @Option(names = "--check-config", description = "check the configuration and exit: 0 valid, 1 errors")
  private boolean checkConfig;

  @Option(names = {"-v", "--verbose"}, description = "log each query (debug level)")
  private boolean verbose;

  /** Creates the command; picocli calls this. */
  public PostfixCommand() {}

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    if (config != null) {
      args.add("--config");
      args.add(config.toString());
    }
    if (checkConfig) {
      args.add("--check-config");
    }
    if (verbose) {
      args.add("--verbose");
    }
    return PostfixDaemon.run(args.toArray(new String[0]), spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
