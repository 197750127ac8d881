package dev.mtasts.postfix.internal;

import dev.mtasts.core.internal.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a YAML document as a tree of nodes with line numbers and collects every error in the
 * user's words, each with its line ({@code postfix.yml:12: ...}), instead of stopping at the first
 * (PFX-18). Only plain data is accepted: mappings, sequences and scalars; anchors and aliases are
 * capped, tags other than the standard ones refused.
 */
public final class YamlNodes {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

  private final String source;
  /** Each error with its line, reported in line order. */
  private final List<Map.Entry<Integer, String>> errors = new ArrayList<>();

  /**
   * Creates a reader for one file.
   *
   * @param source the name used in messages, such as the file name
   */
  public YamlNodes(String source) {
    this.source = source;
  }

  /**
   * Parses the text.
   *
   * @param text the YAML text
   * @return the root node, or empty for an empty document or a syntax error (then recorded)
   */
  public Optional<Node> parse(String text) {
    LoadSettings settings = LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(20)
        .setAllowRecursiveKeys(false).setCodePointLimit(1 << 20).build();
    try {
      Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
      return composer.getSingleNode();
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      int line = mark.map(m -> m.getLine() + 1).orElse(1);
      errors.add(Map.entry(line, source + ":" + line + ": not valid YAML: "
          + Text.quote(firstLine(e.getProblem() != null ? e.getProblem() : String.valueOf(e.getMessage())))));
    } catch (YamlEngineException e) {
      errors.add(Map.entry(0, source + ": not valid YAML: " + Text.quote(firstLine(String.valueOf(e.getMessage())))));
    }
    return Optional.empty();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Returns the errors so far.
   *
   * @return the messages, in line order
   */
  public List<String> errors() {
    return errors.stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
  }

  /**
   * Records an error at a node's line.
   *
   * @param node where
   * @param message what, in the user's words
   */
  public void error(Node node, String message) {
    errors.add(Map.entry(line(node), source + ":" + line(node) + ": " + message));
  }

  /**
   * Returns a node's 1-based line.
   *
   * @param node the node
   * @return its line
   */
  public static int line(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  /**
   * Reads a mapping with known keys: unknown and repeated keys are errors (with the closest known
   * key suggested), as are non-string keys.
   *
   * @param node the node
   * @param where the mapping's path for messages, such as {@code zones.postfix}
   * @param known the allowed keys
   * @return the values by key, in file order; empty if {@code node} is not a mapping
   */
  public Map<String, Node> mapping(Node node, String where, Set<String> known) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (!(node instanceof MappingNode m)) {
      error(node, where + " must be a mapping of " + String.join(", ", new java.util.TreeSet<>(known)));
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : m.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (key == null) {
        error(t.getKeyNode(), "a key in " + where + " must be a plain name");
        continue;
      }
      if (!seen.add(key)) {
        error(t.getKeyNode(), Text.quote(key) + " is given twice in " + where);
        continue;
      }
      if (!known.isEmpty() && !known.contains(key)) {
        error(t.getKeyNode(), "unknown key " + Text.quote(key) + " in " + where + closest(key, known));
        continue;
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  /**
   * Reads a mapping whose keys are names chosen by the user (such as zone names).
   *
   * @param node the node
   * @param where the path for messages
   * @return the values by key, in file order
   */
  public Map<String, Node> names(Node node, String where) {
    return mapping(node, where, Set.of());
  }

  private static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = Text.editDistance(key.toLowerCase(Locale.ROOT), k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? " (known keys: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"
        : " (did you mean " + best + "?)";
  }


  /**
   * Tells whether a node is YAML null ({@code null}, {@code ~} or nothing).
   *
   * @param node the node
   * @return {@code true} for a plain null scalar
   */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.isPlain()
        && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equals("null"));
  }

  /**
   * Reads a string scalar.
   *
   * @param node the node
   * @param where the key's path for messages
   * @return the text, or {@code null} after recording an error
   */
  public @Nullable String string(Node node, String where) {
    if (node instanceof ScalarNode s && !isNull(node)) {
      return s.getValue();
    }
    error(node, where + " must be a text value");
    return null;
  }

  /**
   * Reads {@code true} or {@code false}.
   *
   * @param node the node
   * @param where the key's path
   * @return the value, or {@code null} after recording an error
   */
  public @Nullable Boolean bool(Node node, String where) {
    if (node instanceof ScalarNode s) {
      switch (s.getValue()) {
        case "true":
          return Boolean.TRUE;
        case "false":
          return Boolean.FALSE;
        default:
          break;
      }
    }
    error(node, where + " must be true or false");
    return null;
  }

  /**
   * Reads a whole number within bounds.
   *
   * @param node the node
   * @param where the key's path
   * @param min the smallest value
   * @param max the largest value
   * @return the value, or {@code null} after recording an error
   */
  public @Nullable Integer integer(Node node, String where, int min, int max) {
    if (node instanceof ScalarNode s && s.getValue().matches("\\d{1,9}")) {
      int v = Integer.parseInt(s.getValue());
      if (v >= min && v <= max) {
        return v;
      }
    }
    error(node, where + " must be a whole number from " + min + " to " + max);
    return null;
  }

  /**
   * Reads a duration: a whole number with a unit {@code ms}, {@code s}, {@code m}, {@code h} or
   * {@code d} (seconds without one), such as {@code 10s} or {@code 5m}.
   *
   * @param node the node
   * @param where the key's path
   * @param min the shortest value
   * @param max the longest value
   * @return the value, or {@code null} after recording an error
   */
  public @Nullable Duration duration(Node node, String where, Duration min, Duration max) {
    if (node instanceof ScalarNode s) {
      Matcher m = DURATION.matcher(s.getValue().strip());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
          return d;
        }
        error(node, where + " must be from " + words(min) + " to " + words(max) + ", not " + s.getValue());
        return null;
      }
    }
    error(node, where + " must be a duration such as 10s, 5m or 1h");
    return null;
  }

  private static String words(Duration d) {
    return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.getSeconds() + "s";
  }

  /**
   * Reads a list of strings (a single string counts as a list of one).
   *
   * @param node the node
   * @param where the key's path
   * @return the values; empty after recording an error
   */
  public List<String> strings(Node node, String where) {
    List<String> out = new ArrayList<>();
    if (node instanceof ScalarNode && !isNull(node)) {
      out.add(((ScalarNode) node).getValue());
    } else if (node instanceof SequenceNode seq) {
      for (Node n : seq.getValue()) {
        String s = string(n, where);
        if (s != null) {
          out.add(s);
        }
      }
    } else {
      error(node, where + " must be a list of text values");
    }
    return out;
  }
}
