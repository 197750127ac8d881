package dev.mtasts.resolver.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL again and again while it writes to a file store, then checks that
 * every entry loads, that no acknowledged write was lost, and that nothing was quarantined. The
 * kill point is chosen by the child's progress (a random number of acknowledged writes), not by
 * time.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FilePolicyStoreCrashTest {
  private static final int ROUNDS = 12;

  @Test
  void aJvmKilledMidWriteNeverLeavesACorruptOrLostEntry(@TempDir Path dir) throws Exception {
    Random random = new Random(8461);
    Map<String, Long> acknowledged = new HashMap<>();
    long next = 0;
    List<String> quarantined = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), StoreWriterMain.class.getName(), dir.toString(),
          Long.toString(next))
          .redirectErrorStream(false).start();
      int killAfter = 1 + random.nextInt(150);
      long last = -1;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        for (int i = 0; i < killAfter; i++) {
          String line = out.readLine();
          assertThat(line).as("child output (stderr: %s)", child.isAlive() ? "" : new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isNotNull();
          last = Long.parseLong(line.trim());
          acknowledged.put("d" + (last % 5) + ".example", last);
        }
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      next = last + 1_000;

      FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> quarantined.add(file + ": " + reason));
      List<StoredPolicy> all = store.loadAll().toCompletableFuture().join();
      assertThat(quarantined).as("round %d", round).isEmpty();
      Map<String, Long> loaded = new HashMap<>();
      for (StoredPolicy e : all) {
        e.parsePolicy();
        long seq = Long.parseLong(e.policyId().substring(1));
        assertThat(e.policyText()).contains("seq: " + seq + "\n");
        loaded.put(e.domain().name(), seq);
      }
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        assertThat(loaded.get(ack.getKey())).as("round %d, %s", round, ack.getKey()).isNotNull()
            .isGreaterThanOrEqualTo(ack.getValue());
      }
      loaded.forEach((domain, seq) -> acknowledged.put(domain, seq));
    }
  }
}
