package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL again and again while it records sessions and flushes them, then
 * checks that the restored counts are exactly those of one flush between the last acknowledged one
 * and the attempted total (never less than acknowledged, never more than attempted, never a mix),
 * and that no file is corrupt. The kill point is chosen by the child's progress (a random number
 * of acknowledged flushes), not by time. Each round's child starts from the counts the previous
 * round left, so restored counts are also added to.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RecorderCrashTest {
  private static final int ROUNDS = 10;

  /** What one child printed. */
  private static final class Progress {
    long acknowledged = -1;
    long attempted;
    final List<Long> batchEnds = new ArrayList<>();

    void read(String line) {
      long n = Long.parseLong(line.substring(2).trim());
      if (line.startsWith("A ")) {
        attempted = n;
        batchEnds.add(n);
      } else if (line.startsWith("F ")) {
        acknowledged = n;
      } else {
        throw new IllegalStateException("unexpected output: " + line);
      }
    }
  }

  @Test
  void aKilledRecorderRestoresTheCountsOfOneFlushBetweenTheAcknowledgedAndTheAttempted(
      @TempDir Path dir, @TempDir Path logs) throws Exception {
    Random random = new Random(8460);
    long durable = 0; // the sessions in the files: the next child goes on from there
    int unacknowledgedFlushesFound = 0;
    int killedWhileWriting = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Path err = logs.resolve("round-" + round + ".err");
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), RecorderCrashMain.class.getName(), dir.toString(),
          Long.toString(durable))
          .redirectError(err.toFile()).start();
      int killAfter = 1 + random.nextInt(40);
      Progress progress = new Progress();
      progress.attempted = durable;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        int flushes = 0;
        while (flushes < killAfter) {
          String line = out.readLine();
          assertThat(line).as("child output (stderr: %s)", child.isAlive() ? "" : Files.readString(err)).isNotNull();
          progress.read(line);
          if (line.startsWith("F ")) {
            flushes++;
          }
        }
        // SIGKILL, through the handle: Process.destroyForcibly() would also close our end of its output.
        assertThat(child.toHandle().destroyForcibly()).isTrue();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String line;
        while ((line = out.readLine()) != null) { // what it printed before it died
          progress.read(line);
        }
      }

      if (TestSupport.fileNames(dir).stream().anyMatch(n -> n.endsWith(".tmp"))) {
        killedWhileWriting++; // the recorder that opens the directory removes it
      }
      TlsRptRecorder restored = TlsRptRecorder.builder().maxOpenDays(RecorderCrashMain.MAX_OPEN_DAYS)
          .stateDirectory(dir).build();
      Map<String, Long> actual = RecorderCrashMain.counts(restored);
      restored.close();
      assertThat(TestSupport.fileNames(dir)).as("round %d", round)
          .noneMatch(n -> n.contains(".corrupt-") || n.contains(".excess-") || n.endsWith(".tmp"));

      // Every flush that may have completed: the last acknowledged one and every later batch end.
      TreeSet<Long> candidates = new TreeSet<>();
      candidates.add(progress.acknowledged);
      for (long end : progress.batchEnds) {
        if (end >= progress.acknowledged) {
          candidates.add(end);
        }
      }
      Map<Long, Map<String, Long>> expected = expectedCounts(candidates);
      Map<String, Long> atLeast = expected.get(progress.acknowledged);
      Map<String, Long> atMost = expected.get(candidates.last());
      Set<String> keys = new HashSet<>(atMost.keySet());
      keys.addAll(actual.keySet());
      for (String key : keys) {
        assertThat(actual.getOrDefault(key, 0L)).as("round %d, %s", round, key)
            .isBetween(atLeast.getOrDefault(key, 0L), atMost.getOrDefault(key, 0L));
      }
      Long match = null;
      for (long c : candidates) {
        if (expected.get(c).equals(actual)) {
          match = c;
        }
      }
      assertThat(match).as("round %d: the counts of one flush between %d and %d sessions", round,
          progress.acknowledged, progress.attempted).isNotNull();
      if (match > progress.acknowledged) {
        unacknowledgedFlushesFound++;
      }
      durable = match;
    }
    assertThat(durable).isPositive();
    System.out.printf("RecorderCrashTest: %d rounds, %d sessions durable at the end, %d kills while a file was "
        + "being written, %d after a flush completed but before it was acknowledged%n", ROUNDS, durable,
        killedWhileWriting, unacknowledgedFlushesFound);
  }

  /** The counts of sessions 0 to n-1 of the child's sequence, for each n asked for. */
  private static Map<Long, Map<String, Long>> expectedCounts(TreeSet<Long> ns) {
    Map<Long, Map<String, Long>> out = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    long i = 0;
    for (long n : ns) {
      for (; i < n; i++) {
        counts.merge(RecorderCrashMain.key(i), 1L, Long::sum);
      }
      out.put(n, new HashMap<>(counts));
    }
    return out;
  }
}
