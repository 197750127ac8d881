package dev.mtasts.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The kit's throwaway directories. */
final class TempDirs {
  private TempDirs() {}

  /** Deletes a directory and all below it, best effort: a leftover temporary file is harmless. */
  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
