package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checklist belongs to the repository: {@code docs/rfc-checklist.md} defines every rule ID that
 * code, tests and docs cite, and every rule it defines is named by a test or says why it is not.
 */
class ChecklistTest {
  private static final Pattern ID = Pattern.compile("\\b(?:TXT|POL|FET|CAC|MXM|APP|SEC|RPT|PFX|MON)-\\d+\\b");
  private static final Pattern ROW = Pattern.compile("^\\| ((?:TXT|POL|FET|CAC|MXM|APP|SEC|RPT|PFX|MON)-\\d+) \\|(.*)$",
      Pattern.MULTILINE);

  private static Path repo;
  private static final Map<String, String> defined = new TreeMap<>();
  private static final Map<String, Set<String>> usedIn = new TreeMap<>();
  private static final Set<String> namedByTests = new TreeSet<>();

  @BeforeAll
  static void readTheRepository() throws IOException {
    repo = Path.of(System.getProperty("mtasts.repo.dir", "..")).toAbsolutePath().normalize();
    Path checklist = repo.resolve("docs/rfc-checklist.md");
    Matcher rows = ROW.matcher(Files.readString(checklist));
    while (rows.find()) {
      assertThat(defined.put(rows.group(1), rows.group(2)))
          .as("%s is defined twice in docs/rfc-checklist.md", rows.group(1)).isNull();
    }
    try (Stream<Path> files = Files.walk(repo)) {
      files.filter(Files::isRegularFile)
          .filter(p -> !p.equals(checklist))
          .filter(ChecklistTest::isSource)
          .forEach(ChecklistTest::collect);
    }
  }

  private static boolean isSource(Path p) {
    String rel = repo.relativize(p).toString().replace('\\', '/');
    if (rel.startsWith(".git/") || rel.contains("/target/") || rel.startsWith("target/") || rel.contains("node_modules/")) {
      return false;
    }
    String name = p.getFileName().toString();
    return name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".xml") || name.endsWith(".properties");
  }

  private static void collect(Path p) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
    } catch (CharacterCodingException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String rel = repo.relativize(p).toString().replace('\\', '/');
    boolean test = rel.contains("/src/test/");
    Matcher m = ID.matcher(text);
    while (m.find()) {
      usedIn.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(rel);
      if (test) {
        namedByTests.add(m.group());
      }
    }
  }

  @Test
  void theChecklistDefinesTheRulesOfBothRfcs() {
    assertThat(defined).hasSizeGreaterThan(100).containsKeys("TXT-7", "POL-1", "FET-2", "CAC-6", "MXM-7", "RPT-15",
        "SEC-12");
  }

  @Test
  void everyIdCitedAnywhereIsDefined() {
    Map<String, Set<String>> undefined = new TreeMap<>(usedIn);
    undefined.keySet().removeAll(defined.keySet());
    assertThat(undefined).as("IDs cited in these files but not defined in docs/rfc-checklist.md").isEmpty();
  }

  @Test
  void everyDefinedRuleIsNamedByATestOrSaysWhyNot() {
    Set<String> unproven = new TreeSet<>();
    defined.forEach((id, row) -> {
      if (!namedByTests.contains(id) && !row.contains("untested")) {
        unproven.add(id);
      }
    });
    assertThat(unproven).as("rules in docs/rfc-checklist.md that no test names (name the ID in the test that"
        + " proves the rule, or say 'untested: why' in the row)").isEmpty();
  }
}
