package dev.mtasts.cli.internal;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Output options every command takes. */
public final class OutputOptions {
  @Option(names = "--json", description = "print JSON (see docs/cli.md)")
  boolean json;

  @Option(names = "--no-color", description = "never colour the output")
  boolean noColour;

  /** Read by {@code MtaStsCli.run} before logging starts; declared here so picocli accepts it. */
  @Option(names = "--verbose", description = "log what the library does to standard error")
  boolean verbose;

  /** Creates the options; picocli fills them. */
  public OutputOptions() {}

  Terminal terminal(PrintWriter out) {
    return new Terminal(out, noColour);
  }
}
