package dev.mtasts.cli.internal;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MxPattern;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.GeneratedPolicy;
import dev.mtasts.owner.PolicyGenerator;
import dev.mtasts.owner.PolicyIdStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mta-sts generate}: the policy file, the DNS records, zone lines and a checklist. Works offline. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate the policy file, the _mta-sts and _smtp._tls records, zone-file lines and a "
        + "publishing checklist. Works offline.")
public final class GenerateCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--domain", required = true, description = "the Policy Domain, such as example.com")
  private String domain = "";

  @Option(names = "--mx", description = "an MX host or *. wildcard; repeat for each", paramLabel = "HOST")
  private List<String> mx = new ArrayList<>();

  @Option(names = "--mode", defaultValue = "testing", description = "enforce, testing or none (default: ${DEFAULT-VALUE})")
  private String mode = "testing";

  @Option(names = "--max-age", required = true, description = "max_age in seconds, at most 31557600", paramLabel = "SECONDS")
  private long maxAge;

  @Option(names = "--rua", description = "a TLS-RPT reporting URI (mailto: or https:); repeat for each", paramLabel = "URI")
  private List<String> rua = new ArrayList<>();

  @Option(names = "--id-strategy", defaultValue = "content",
      description = "content (derived from the policy, the default) or timestamp")
  private String idStrategy = "content";

  @Option(names = "--ttl", defaultValue = "3600", description = "TTL of the zone-file lines in seconds (default: ${DEFAULT-VALUE})")
  private long ttl;

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** Creates the command; picocli calls this. */
  public GenerateCommand() {}

  @Override
  public Integer call() {
    MtaStsMode m = MtaStsMode.fromToken(mode.toLowerCase(Locale.ROOT)).orElseThrow(
        () -> new CommandLine.ParameterException(spec.commandLine(), "--mode must be enforce, testing or none, not '" + mode + "'"));
    PolicyIdStrategy strategy = switch (idStrategy.toLowerCase(Locale.ROOT)) {
      case "content" -> PolicyIdStrategy.CONTENT;
      case "timestamp" -> PolicyIdStrategy.TIMESTAMP;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--id-strategy must be content or timestamp, not '" + idStrategy + "'");
    };
    PolicyGenerator.Builder b = PolicyGenerator.builder().domain(domain).mode(m).maxAge(Duration.ofSeconds(maxAge))
        .idStrategy(strategy).ttl(Duration.ofSeconds(ttl));
    for (String pattern : mx) {
      b.addMx(pattern);
    }
    for (String uri : rua) {
      b.addRua(uri);
    }
    GeneratedPolicy g = b.build().generate();
    if (output.json) {
      Json.print(spec.commandLine().getOut(), gen -> {
        gen.writeStartObject();
        gen.writeStringField("domain", g.domain().name());
        gen.writeStringField("policy_url", g.policyUrl().toString());
        gen.writeStringField("policy_text", g.policyText());
        Json.policy(gen, "policy", g.policy());
        gen.writeObjectFieldStart("records");
        gen.writeStringField("mta_sts", g.stsRecord().toText());
        Json.nullableString(gen, "tlsrpt", g.tlsRptRecord() == null ? null : g.tlsRptRecord().toText());
        gen.writeEndObject();
        gen.writeStringField("policy_id", g.stsRecord().id());
        Json.strings(gen, "zone_lines", g.zoneLines());
        Json.strings(gen, "checklist", g.checklist());
        Json.findings(gen, g.advice());
        gen.writeEndObject();
      });
      return 0;
    }
    Terminal t = output.terminal(spec.commandLine().getOut());
    t.plain("MTA-STS for " + g.domain() + " (mode " + g.policy().mode() + ", max_age " + g.policy().maxAgeSeconds()
        + ", mx " + g.policy().mx().stream().map(MxPattern::toString).toList() + ")");
    t.heading("Policy file: serve at " + g.policyUrl() + " as text/plain");
    for (String line : g.policyText().split("\r\n")) {
      t.line(line);
    }
    t.heading("DNS records (zone-file syntax)");
    for (String line : g.zoneLines()) {
      t.line(line);
    }
    t.heading("Publishing checklist");
    for (int i = 0; i < g.checklist().size(); i++) {
      t.line((i + 1) + ". " + g.checklist().get(i));
    }
    if (!g.advice().isEmpty()) {
      t.heading("Recommendations");
      for (Finding f : g.advice()) {
        t.line(t.severity(f.severity()), " " + f.code() + " (" + f.checklistId() + "): " + f.message());
        t.line("        Fix: " + f.fix());
      }
    }
    return 0;
  }
}
