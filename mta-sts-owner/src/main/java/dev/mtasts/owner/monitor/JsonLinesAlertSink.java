package dev.mtasts.owner.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes each alert as one line of JSON ({@link AlertJson}) to a stream or appends it to a file,
 * flushed after each line so that a reader such as {@code tail -f} or a log shipper sees it at
 * once. One line is written whole: lines of concurrent alerts never interleave.
 */
public final class JsonLinesAlertSink implements AlertSink, AutoCloseable {
  private final OutputStream out;
  private final String name;
  private final boolean owned;

  private JsonLinesAlertSink(OutputStream out, String name, boolean owned) {
    this.out = out;
    this.name = name;
    this.owned = owned;
  }

  /**
   * Writes to a stream the caller owns (such as standard output); {@link #close()} leaves it open.
   *
   * @param out the stream
   * @return the sink
   */
  public static JsonLinesAlertSink toStream(OutputStream out) {
    return new JsonLinesAlertSink(Objects.requireNonNull(out, "out"), "JSON lines", false);
  }

  /**
   * Appends to a file, created if missing; a symbolic link at that path is refused.
   *
   * @param file the file
   * @return the sink; close it to close the file
   * @throws IOException if the file cannot be opened for appending
   */
  public static JsonLinesAlertSink toFile(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    return new JsonLinesAlertSink(Channels.newOutputStream(ch), "JSON lines to " + file, true);
  }

  @Override
  public CompletionStage<Void> publish(Alert alert) {
    byte[] line = (AlertJson.toJson(alert) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (out) {
        out.write(line);
        out.flush();
      }
      return CompletableFuture.completedStage(null);
    } catch (IOException e) {
      return CompletableFuture.failedStage(e);
    }
  }

  /**
   * Closes the file of a sink made by {@link #toFile}; a stream sink is left open.
   *
   * @throws IOException if closing fails
   */
  @Override
  public void close() throws IOException {
    if (owned) {
      out.close();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
