package dev.mtasts.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  @Test
  @DisplayName("CAC-21: a quarantine never overwrites an earlier quarantined file, and says so")
  void quarantineNeverOverwritesAnExistingFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a.state"), "second");
    Path earlier = Files.writeString(dir.resolve("a.state.corrupt-" + NOW.toEpochMilli()), "first");

    AtomicFiles.Quarantine q = AtomicFiles.quarantine(file, "corrupt", NOW, "checksum mismatch");

    assertThat(q).isNotNull();
    assertThat(q.movedTo()).isNull();
    assertThat(q.describe()).startsWith("checksum mismatch; it could not be set aside");
    assertThat(Files.readString(earlier)).isEqualTo("first");
    assertThat(Files.readString(file)).isEqualTo("second");
    assertThat(AtomicFiles.quarantine(dir.resolve("gone"), "corrupt", NOW, "x")).isNull();
  }

  @Test
  @DisplayName("CAC-21: the envelope round-trips and every damage is named")
  void theEnvelopeRoundTripsAndDamageIsNamed() {
    byte[] body = "body\n\nwith blank line".getBytes(StandardCharsets.UTF_8);
    byte[] file = AtomicFiles.frame("TEST 1", List.of(Map.entry("k", "v"), Map.entry("k", "w")), body);
    AtomicFiles.Frame frame = AtomicFiles.unframe(file, "TEST 1");
    assertThat(frame.all("k")).containsExactly("v", "w");
    assertThat(frame.body()).isEqualTo(body);
    assertThatIllegalArgumentException().isThrownBy(() -> frame.one("k")).withMessageContaining("found 2");

    file[file.length - 1] ^= 1;
    assertThatIllegalArgumentException().isThrownBy(() -> AtomicFiles.unframe(file, "TEST 1"))
        .withMessage("checksum mismatch");
    assertThatIllegalArgumentException().isThrownBy(() -> AtomicFiles.unframe(file, "OTHER 1"))
        .withMessageContaining("bad header");
    assertThatThrownBy(() -> AtomicFiles.frame("TEST 1", List.of(Map.entry("k", "a\nb")), body))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("SEC-30: only regular files are read, within the cap")
  void onlyRegularFilesAreReadWithinTheCap(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "12345");
    assertThat(AtomicFiles.readRegular(file, 5)).containsExactly('1', '2', '3', '4', '5');
    assertThatThrownBy(() -> AtomicFiles.readRegular(file, 4)).isInstanceOf(AtomicFiles.FileTooLargeException.class);
    assertThatThrownBy(() -> AtomicFiles.readRegular(dir, 4)).isInstanceOf(AtomicFiles.NotARegularFileException.class)
        .hasMessageContaining("a directory");
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);
    assertThatThrownBy(() -> AtomicFiles.readRegular(link, 5)).isInstanceOf(AtomicFiles.NotARegularFileException.class)
        .hasMessageContaining("symbolic link");
    assertThat(AtomicFiles.readRegular(dir.resolve("missing"), 5)).isNull();
  }
}
