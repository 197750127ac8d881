package dev.mtasts.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.ResolutionTrace;
import dev.mtasts.fetch.ContentTypeMode;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mta-sts resolve}: run the sender's resolver once and print its decision and trace. */
@Command(name = "resolve", mixinStandardHelpOptions = true,
    description = "Resolve a domain's policy as a sending MTA does (RFC 8461 §5.1) and print the decision and its trace.")
public final class ResolveCommand implements Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DOMAIN", description = "the recipient (Policy) domain")
  private String domain = "";

  @Mixin
  private NetworkOptions network = new NetworkOptions();

  @Mixin
  private OutputOptions output = new OutputOptions();

  /** Creates the command; picocli calls this. */
  public ResolveCommand() {}

  @Override
  public Integer call() {
    PolicyDomain d = PolicyDomain.of(domain);
    MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(network.dns())
        .policyFetcher(network.fetcher(ContentTypeMode.REQUIRE)).backgroundRecheck(false).build();
    PolicyResolution r = resolver.resolve(d).toCompletableFuture().join();
    if (output.json) {
      Json.print(spec.commandLine().getOut(), g -> json(g, r));
      return 0;
    }
    Terminal t = output.terminal(spec.commandLine().getOut());
    if (r instanceof PolicyResolution.Active a) {
      t.plain(t.ok("policy applies"), ": " + d + " mode " + a.policy().mode() + ", mx " + a.policy().mx()
          + ", id " + a.policyId() + ", valid until " + a.expiresAt());
      t.line(a.isEnforced() ? "deliver only to matching MX hosts, over STARTTLS with a valid certificate for the MX name"
          : "testing: deliver as usual and report TLS failures");
    } else if (r instanceof PolicyResolution.NoPolicy n) {
      t.plain("no policy: " + d + " (" + n.reason() + "); deliver with opportunistic TLS");
    } else {
      PolicyResolution.Deferred f = (PolicyResolution.Deferred) r;
      t.plain("deferred: " + d + " (" + f.reason() + "): " + f.message());
    }
    ResolutionTrace trace = r.trace();
    t.heading("Trace");
    t.line("TXT: " + trace.txt().status() + (trace.txt().id() != null ? " id " + trace.txt().id() : "") + " - "
        + trace.txt().detail());
    t.line("cache: " + trace.cache());
    if (trace.fetch() != null) {
      t.line("fetch: " + fetchSummary(trace.fetch()));
    }
    t.line("decided by " + trace.rule() + ": " + trace.explanation());
    return 0;
  }

  private static String fetchSummary(PolicyFetchOutcome f) {
    if (f instanceof PolicyFetchOutcome.Fetched ok) {
      return "fetched " + ok.uri() + " (status " + ok.status() + ", " + ok.body().length + " bytes)";
    }
    PolicyFetchOutcome.Failed failed = (PolicyFetchOutcome.Failed) f;
    return "failed " + failed.uri() + ": " + failed.reason() + " (" + failed.resultType() + ") " + failed.message();
  }

  private static void json(JsonGenerator g, PolicyResolution r) throws IOException {
    g.writeStartObject();
    g.writeStringField("domain", r.domain().name());
    if (r instanceof PolicyResolution.Active a) {
      g.writeStringField("outcome", "active");
      g.writeStringField("policy_id", a.policyId());
      g.writeStringField("source", a.source().name());
      g.writeStringField("fetched_at", a.fetchedAt().toString());
      g.writeStringField("expires_at", a.expiresAt().toString());
      Json.policy(g, "policy", a.policy());
    } else if (r instanceof PolicyResolution.NoPolicy n) {
      g.writeStringField("outcome", "no_policy");
      g.writeStringField("reason", n.reason().name());
    } else {
      PolicyResolution.Deferred f = (PolicyResolution.Deferred) r;
      g.writeStringField("outcome", "deferred");
      g.writeStringField("reason", f.reason().name());
      g.writeStringField("message", f.message());
    }
    ResolutionTrace t = r.trace();
    g.writeObjectFieldStart("trace");
    g.writeObjectFieldStart("txt");
    g.writeStringField("status", t.txt().status().name());
    Json.nullableString(g, "id", t.txt().id());
    g.writeStringField("detail", t.txt().detail());
    g.writeEndObject();
    g.writeStringField("cache", t.cache().name());
    g.writeFieldName("fetch");
    if (t.fetch() == null) {
      g.writeNull();
    } else if (t.fetch() instanceof PolicyFetchOutcome.Fetched ok) {
      g.writeStartObject();
      g.writeStringField("outcome", "fetched");
      g.writeNumberField("status", ok.status());
      g.writeEndObject();
    } else {
      PolicyFetchOutcome.Failed failed = (PolicyFetchOutcome.Failed) t.fetch();
      g.writeStartObject();
      g.writeStringField("outcome", "failed");
      g.writeStringField("reason", failed.reason().name());
      g.writeStringField("result_type", failed.resultType().token());
      g.writeStringField("message", failed.message());
      g.writeEndObject();
    }
    g.writeStringField("rule", t.rule());
    g.writeStringField("explanation", t.explanation());
    g.writeEndObject();
    g.writeEndObject();
  }
}
