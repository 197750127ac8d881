package dev.mtasts.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures said in words: what happened to which file, never only a path or a class name. */
class TextTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("APP-12: a file system failure says what happened, not only the path")
  void fileSystemFailuresSayWhatHappened() {
    Path missing = dir.resolve("nope").resolve("x.html");
    IOException e = null;
    try {
      Files.writeString(missing, "x");
    } catch (IOException thrown) {
      e = thrown;
    }
    assertThat(e).isInstanceOf(NoSuchFileException.class);
    assertThat(e.getMessage()).isEqualTo(missing.toString());
    assertThat(Text.message(e)).isEqualTo("no such file or directory: " + missing);
    assertThat(Text.message(new AccessDeniedException("/etc/shadow"))).isEqualTo("permission denied: /etc/shadow");
    assertThat(Text.message(new FileSystemException("/x", null, "Too many levels of symbolic links")))
        .isEqualTo("Too many levels of symbolic links: /x");
    assertThat(Text.message(new IllegalStateException())).isEqualTo("no detail given");
    assertThat(Text.message(new java.util.concurrent.CompletionException(new AccessDeniedException("/x"))))
        .isEqualTo("permission denied: /x");
  }
}
