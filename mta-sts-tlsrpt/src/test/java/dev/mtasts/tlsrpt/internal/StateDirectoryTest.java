package dev.mtasts.tlsrpt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS-RPT state files go through core's one file helper: only regular files are read. */
class StateDirectoryTest {

  private static List<String> loadKeys(Path dir) {
    AtomicReference<List<String>> keys = new AtomicReference<>();
    StateDirectory.open(dir, "day", "test", s -> keys.set(s.loadAll("day", 10, (key, envelope) -> key))).release();
    return keys.get();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  @DisplayName("SEC-30: a state file that is a symbolic link is set aside, never followed")
  void aSymbolicLinkIsSetAsideNotFollowed(@TempDir Path dir, @TempDir Path elsewhere) throws IOException {
    Path outside = elsewhere.resolve("planted.state");
    byte[] planted = StateDirectory.encode("day", List.of(Map.entry("day", "2026-03-10")),
        "{}".getBytes(StandardCharsets.UTF_8));
    Files.write(outside, planted);
    Files.createSymbolicLink(dir.resolve("tlsrpt-day-2026-03-10.state"), outside);

    assertThat(loadKeys(dir)).isEmpty();
    assertThat(names(dir)).anyMatch(n -> n.startsWith("tlsrpt-day-2026-03-10.state.corrupt-"));
    assertThat(Files.readAllBytes(outside)).isEqualTo(planted);
  }

  @Test
  @DisplayName("SEC-30: a state file that is a FIFO is set aside at once, never opened")
  void aFifoDoesNotHangTheLoad(@TempDir Path dir) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("tlsrpt-day-2026-03-10.state").toString()).start();
    assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is not available");

    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> loadKeys(dir))).isEmpty();
    assertThat(names(dir)).anyMatch(n -> n.startsWith("tlsrpt-day-2026-03-10.state.corrupt-"));
  }
}
