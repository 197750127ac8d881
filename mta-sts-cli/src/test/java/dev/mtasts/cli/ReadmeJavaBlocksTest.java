package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} block of the README compiles against the current API, so the README cannot
 * drift from it again. Each block becomes the body of one method of a generated class whose fields
 * stand for what a block takes as given (your executor, your MX records, the message's
 * addresses...). A block preceded by {@code <!-- readme-test: java 21, REASON -->} needs Java 21
 * (the switch with type patterns): it is compiled with {@code --release 21} by a JDK 21 or later
 * found on the machine, and skipped with a message on the console when there is none.
 */
class ReadmeJavaBlocksTest {
  private static final String IMPORTS = """
      import dev.mtasts.core.*;
      import dev.mtasts.core.dns.*;
      import dev.mtasts.core.fetch.*;
      import dev.mtasts.core.tls.*;
      import dev.mtasts.resolver.*;
      import dev.mtasts.resolver.store.*;
      import dev.mtasts.resolver.delivery.*;
      import dev.mtasts.owner.*;
      import dev.mtasts.dns.*;
      import dev.mtasts.fetch.*;
      import dev.mtasts.tlsrpt.*;
      import dev.mtasts.tlsrpt.delivery.HttpsReportDelivery;
      import dev.mtasts.tlsrpt.delivery.MailtoReportDelivery;
      import dev.mtasts.probe.*;
      import dev.mtasts.redis.*;
      import dev.mtasts.micrometer.*;
      import dev.mtasts.testing.*;
      import java.net.InetAddress;
      import java.nio.file.Path;
      import java.time.*;
      import java.util.*;
      import java.util.concurrent.*;
      import javax.net.ssl.*;
      """;

  /** What the README's blocks take as given, as the surrounding code of an MTA would have it. */
  private static final String GIVEN = """
        byte[] bodyBytes, bytes;
        List<String> txtValues;
        Executor mtaExecutor, executor;
        ScheduledExecutorService mtaScheduler, scheduledExecutor, scheduler;
        io.micrometer.core.instrument.MeterRegistry registry;
        String recipientDomain, rawPolicyBody, policyText;
        List<MxRecord> mxRecords;
        DaneCheck daneCheck;
        InetAddress localAddress, remoteAddress;
        boolean offersStartTls;
        MxCandidate c;
        TlsRptReporting.SessionReporter sessions;
        TrustManagerFactory trustManagerFactory;
        Properties props;
        org.slf4j.Logger log;
        MtaStsPolicy mtaStsPolicy;
        DnsLookup dnsLookup;
        Stub myDkim, myQueue;
        Collection<String> headerNames;
        ReportPolicy policy;
        SessionOutcome outcome;
        TlsRptRecorder recorder;
        Object requeue() { return null; }
        void use(String id) {}
        void noPolicy() {}
        static final class Stub {
          <T> T sign(Object... any) { return null; }
          <T> T submit(Object... any) { return null; }
        }
      """;

  @Test
  void everyJavaBlockOfTheReadmeCompiles(@TempDir Path dir) throws Exception {
    Path repo = Path.of(System.getProperty("mtasts.repo.dir", "..")).toAbsolutePath().normalize();
    List<String> lines = Files.readAllLines(repo.resolve("README.md"));
    List<String> blocks = new ArrayList<>();
    List<String> java21 = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```java")) {
        continue;
      }
      boolean needs21 = i > 0 && lines.get(i - 1).startsWith("<!-- readme-test: java 21");
      StringBuilder block = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
        block.append(lines.get(i)).append('\n');
      }
      (needs21 ? java21 : blocks).add(block.toString());
    }
    assertThat(blocks).as("java blocks in the README").hasSizeGreaterThan(10);

    compile(dir.resolve("java17"), blocks, javac(Path.of(System.getProperty("java.home"))), "17");
    Optional<Path> jdk21 = newerJdk(21);
    if (jdk21.isEmpty()) {
      System.err.println("[SKIPPED] README Java 21 blocks: no JDK 21 or later in /usr/lib/jvm or $JAVA21_HOME");
      return;
    }
    compile(dir.resolve("java21"), java21, javac(jdk21.get()), "21");
  }

  private static void compile(Path dir, List<String> blocks, String javac, String release) throws Exception {
    StringBuilder source = new StringBuilder(IMPORTS).append("\nabstract class ReadmeBlocks {\n").append(GIVEN);
    for (int n = 0; n < blocks.size(); n++) {
      source.append("\n  Object block").append(n + 1).append("() throws Exception {\n")
          .append(blocks.get(n)).append("\n    return null;\n  }\n");
    }
    source.append("}\n");
    Files.createDirectories(dir);
    Path file = dir.resolve("ReadmeBlocks.java");
    Files.writeString(file, source);

    Process p = new ProcessBuilder(javac, "--release", release, "-d", dir.resolve("out").toString(), "-proc:none",
        "-encoding", "UTF-8", "-cp", System.getProperty("java.class.path"), file.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("javac ran to its end").isTrue();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("the README's java blocks do not compile with --release %s; javac said:%n%s%nin the generated source:%n%s",
            release, said, numbered(source.toString()))
        .isZero();
  }

  private static String javac(Path jdk) {
    return jdk.resolve("bin").resolve("javac").toString();
  }

  /** A JDK of at least {@code feature}: $JAVA21_HOME, the running one, or one in /usr/lib/jvm. */
  private static Optional<Path> newerJdk(int feature) throws Exception {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("JAVA21_HOME");
    if (configured != null) {
      candidates.add(Path.of(configured));
    }
    candidates.add(Path.of(System.getProperty("java.home")));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (var list = Files.list(jvms)) {
        list.sorted().forEach(candidates::add);
      }
    }
    for (Path jdk : candidates) {
      Path release = jdk.resolve("release");
      if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/javac"))) {
        continue;
      }
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          int end = v.indexOf('.') > 0 ? v.indexOf('.') : v.indexOf('"');
          if (Integer.parseInt(v.substring(0, end)) >= feature) {
            return Optional.of(jdk);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String numbered(String source) {
    StringBuilder sb = new StringBuilder();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      sb.append(String.format("%4d  %s%n", i + 1, lines[i]));
    }
    return sb.toString();
  }
}
