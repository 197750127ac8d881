package dev.mtasts.cli.internal;

import dev.mtasts.cli.MtaStsCli;
import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.Severity;
import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.GeneratedPolicy;
import dev.mtasts.owner.PolicyGenerator;
import dev.mtasts.owner.PolicyIdStrategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mta-sts generate}: the policy file, the DNS records, zone lines and a checklist. Works
 * offline. Exits 1 when the advice holds an error (a wildcard over a top-level domain, MXM-12).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate the policy file, the _mta-sts and _smtp._tls records, zone-file lines and a "
        + "publishing checklist. Works offline.")
public final class GenerateCommand implements Callable<Integer> {
  /** The policy file {@code --out} writes, named as it is served. */
  static final String POLICY_FILE = "mta-sts.txt";
  /** The zone-file snippet {@code --out} writes. */
  static final String ZONE_FILE = "mta-sts.zone";
  /** The checklist {@code --out} writes. */
  static final String README_FILE = "README.md";

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

  @Option(names = "--out", paramLabel = "DIR", description = "also write " + POLICY_FILE + " (CRLF), " + ZONE_FILE
      + " and " + README_FILE + " into DIR, created if missing")
  private @Nullable Path out;

  @Option(names = "--force", description = "let --out replace existing files")
  private boolean force;

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
    boolean errors = g.advice().stream().anyMatch(f -> f.severity() == Severity.ERROR);
    // A policy with an error (a wildcard over a top-level domain) is printed for review, never written.
    List<Path> written = out != null && !errors ? write(out, g) : List.of();
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
        Json.strings(gen, "files_written", written.stream().map(Path::toString).toList());
        gen.writeEndObject();
      });
      return errors ? MtaStsCli.ERRORS : 0;
    }
    Terminal t = output.terminal(spec.commandLine().getOut());
    t.plain("MTA-STS for " + g.domain() + " (mode " + g.policy().mode() + ", max_age "
        + Durations.human(g.policy().maxAge()) + ", mx " + g.policy().mx().stream().map(MxPattern::toString).toList() + ")");
    // The policy file and the zone lines are printed unindented, exactly as they are served and
    // pasted: an indented policy line breaks RFC 8461 §3.2 (POL-2), an indented zone line takes
    // the previous line's owner name in BIND.
    t.heading("Policy file: serve at " + g.policyUrl() + " as text/plain (copy the lines between the headings)");
    for (String line : g.policyText().split("\r\n")) {
      t.plain(line);
    }
    t.heading("DNS records (zone-file syntax)");
    for (String line : g.zoneLines()) {
      t.plain(line);
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
    if (out != null) {
      t.heading(errors ? "Nothing written to " + out + ": fix the errors first" : "Written to " + out);
      for (Path p : written) {
        t.line(p.toString());
      }
    }
    return errors ? MtaStsCli.ERRORS : 0;
  }

  /**
   * Writes the three files, each atomically, after checking that none exists (or {@code --force}),
   * so that a refusal leaves the directory as it was.
   */
  private List<Path> write(Path dir, GeneratedPolicy g) {
    Map<Path, String> files = new LinkedHashMap<>();
    files.put(dir.resolve(POLICY_FILE), g.policyText());
    files.put(dir.resolve(ZONE_FILE), String.join("\n", g.zoneLines()) + "\n");
    files.put(dir.resolve(README_FILE), readme(g));
    if (!force) {
      List<String> existing = files.keySet().stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
          .map(Path::toString).toList();
      if (!existing.isEmpty()) {
        throw new IllegalArgumentException("not overwriting " + String.join(", ", existing) + "; use --force to replace");
      }
    }
    try {
      Files.createDirectories(dir);
      for (Map.Entry<Path, String> f : files.entrySet()) {
        AtomicFiles.write(f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write to " + dir + ": " + Text.message(e), e);
    }
    return List.copyOf(files.keySet());
  }

  private static String readme(GeneratedPolicy g) {
    StringBuilder sb = new StringBuilder();
    sb.append("# MTA-STS for ").append(g.domain()).append("\n\n")
        .append("Made by `mta-sts generate` (mode ").append(g.policy().mode()).append(", max_age ")
        .append(Durations.human(g.policy().maxAge())).append(", policy id ").append(g.stsRecord().id()).append(").\n\n")
        .append("- `").append(POLICY_FILE).append("`: serve it unchanged at ").append(g.policyUrl())
        .append(" as text/plain (CRLF line endings, as generated).\n")
        .append("- `").append(ZONE_FILE).append("`: the TXT records, in zone-file syntax, for the zone of ")
        .append(g.domain()).append(".\n\n## Publishing checklist\n\n");
    for (int i = 0; i < g.checklist().size(); i++) {
      sb.append(i + 1).append(". ").append(g.checklist().get(i)).append("\n");
    }
    if (!g.advice().isEmpty()) {
      sb.append("\n## Recommendations\n\n");
      for (Finding f : g.advice()) {
        sb.append("- ").append(f.severity().token()).append(' ').append(f.code()).append(" (").append(f.checklistId())
            .append("): ").append(f.message()).append(". Fix: ").append(f.fix()).append("\n");
      }
    }
    return sb.toString();
  }
}
