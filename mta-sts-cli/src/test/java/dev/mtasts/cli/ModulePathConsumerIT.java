package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user on the module path: a small program that {@code requires} every published module is
 * compiled against the built jars and run, with nothing else on the module path than what Maven
 * would give such a user (the modules and their compile dependencies, JSpecify included).
 */
class ModulePathConsumerIT {
  private static final String MODULE_INFO = """
      module consumer {
        requires dev.mtasts.core;
        requires dev.mtasts.resolver;
        requires dev.mtasts.owner;
        requires dev.mtasts.dns;
        requires dev.mtasts.fetch;
        requires dev.mtasts.tlsrpt;
        requires dev.mtasts.probe;
        requires dev.mtasts.redis;
      }
      """;

  private static final String MAIN = """
      package consumer;

      import dev.mtasts.core.MtaStsPolicy;
      import dev.mtasts.dns.DnsjavaLookup;
      import dev.mtasts.fetch.HttpPolicyFetcher;
      import dev.mtasts.owner.PolicyGenerator;
      import dev.mtasts.probe.SocketSmtpProbe;
      import dev.mtasts.resolver.MtaStsResolver;
      import dev.mtasts.resolver.store.PolicyStore;
      import dev.mtasts.tlsrpt.TlsRptRecorder;

      public final class Main {
        public static void main(String[] args) {
          MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\\nmode: enforce\\nmx: mx.example.com\\nmax_age: 86400\\n");
          MtaStsResolver resolver = MtaStsResolver.builder()
              .dnsLookup(DnsjavaLookup.builder().build())
              .policyFetcher(HttpPolicyFetcher.builder().build())
              .policyStore(PolicyStore.inMemory())
              .build();
          TlsRptRecorder recorder = TlsRptRecorder.builder().build();
          SocketSmtpProbe probe = SocketSmtpProbe.builder().build();
          var generated = PolicyGenerator.builder().domain("example.com").addMx("mx.example.com")
              .mode(dev.mtasts.core.MtaStsMode.TESTING).maxAge(java.time.Duration.ofDays(7)).build().generate();
          System.out.println("mode=" + p.mode().token() + " matches=" + p.matches("mx.example.com")
              + " resolver=" + (resolver != null) + " recorder=" + (recorder != null) + " probe=" + (probe != null)
              + " generated=" + generated.policy().mode().token());
        }
      }
      """;

  @Test
  void aConsumerThatRequiresEveryModuleCompilesAndRunsOnTheModulePath(@TempDir Path dir) throws Exception {
    List<String> modulePath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      boolean ours = entry.contains("mta-sts-") && !entry.contains("test-classes") && !name.contains("testing")
          && !name.contains("-cli") && !entry.contains("mta-sts-cli");
      boolean dependency = name.startsWith("jspecify-") || name.startsWith("slf4j-api-")
          || name.startsWith("dnsjava-") || name.startsWith("jackson-core-") || name.startsWith("lettuce-core-")
          || name.startsWith("netty-") || name.startsWith("reactor-core-") || name.startsWith("reactive-streams-")
          || name.startsWith("jakarta.mail-api-") || name.startsWith("jakarta.activation-api-")
          || name.startsWith("angus-mail-") || name.startsWith("angus-activation-");
      if (ours || dependency) {
        modulePath.add(entry);
      }
    }
    assertThat(modulePath).anyMatch(e -> e.contains("jspecify"));

    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("consumer"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("consumer/Main.java"), MAIN);
    Path out = dir.resolve("out");
    Process javac = new ProcessBuilder(tool("javac"), "-d", out.toString(),
        "--module-path", String.join(File.pathSeparator, modulePath), "-Xlint:all", "-Werror",
        src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString())
        .redirectErrorStream(true).start();
    assertThat(javac.waitFor(120, TimeUnit.SECONDS)).as("javac ran to its end").isTrue();
    String diagnostics = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(javac.exitValue()).as("javac said:%n%s", diagnostics).isZero();

    List<String> runPath = new ArrayList<>(modulePath);
    runPath.add(0, out.toString());
    Process run = new ProcessBuilder(tool("java"),
        "--module-path", String.join(File.pathSeparator, runPath), "-m", "consumer/consumer.Main")
        .redirectErrorStream(true).start();
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("the consumer ran to its end").isTrue();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("mode=enforce matches=true resolver=true recorder=true probe=true generated=testing");
  }


  @Test
  void everyPublishedModuleGivesItsUsersJSpecifyTransitively() throws Exception {
    // requires static transitive org.jspecify makes a consumer's javac look for the module: a
    // Maven user only has it when the dependency is not optional.
    Path repo = Path.of(System.getProperty("mtasts.repo.dir", "..")).toAbsolutePath().normalize();
    for (String module : List.of("core", "resolver", "owner", "dns", "fetch", "tlsrpt", "probe", "redis", "testing")) {
      String pom = Files.readString(repo.resolve("mta-sts-" + module).resolve("pom.xml"));
      int at = pom.indexOf("<artifactId>jspecify</artifactId>");
      assertThat(at).as("mta-sts-%s depends on JSpecify", module).isPositive();
      String declaration = pom.substring(at, pom.indexOf("</dependency>", at));
      assertThat(declaration).as("mta-sts-%s's JSpecify dependency", module).doesNotContain("<optional>true");
    }
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }
}
