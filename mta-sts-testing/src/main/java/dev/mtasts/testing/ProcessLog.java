package dev.mtasts.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The output of a server the kit launches, read line by line on a daemon thread as it is written
 * (to memory and to a file), so that a test waits for the line it needs on a future instead of
 * polling or sleeping. At most {@value #MAX_LINES} lines are kept in memory.
 */
final class ProcessLog {
  /** The most lines kept in memory; later lines go to the file only. */
  static final int MAX_LINES = 100_000;

  private final String name;
  private final Path file;
  private final List<String> lines = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(Predicate<String> match, CompletableFuture<String> found) {}

  ProcessLog(String name, Path file) {
    this.name = name;
    this.file = file;
  }

  /** Starts reading {@code output} on a daemon thread. */
  void follow(InputStream output) {
    PolicyHost.daemon(() -> pump(output), name + "-log").start();
  }

  /**
   * Waits for a line, already written or to come.
   *
   * @throws IOException if none comes within {@code timeout} (the log is in the message)
   */
  String await(Predicate<String> match, Duration timeout) throws IOException {
    CompletableFuture<String> found = new CompletableFuture<>();
    synchronized (lines) {
      for (String line : lines) {
        if (match.test(line)) {
          return line;
        }
      }
      waiters.add(new Waiter(match, found));
    }
    try {
      return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IOException("no such " + name + " log line within " + timeout.toSeconds() + " s\n--- " + name
          + " log ---\n" + text(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a " + name + " log line", e);
    } finally {
      synchronized (lines) {
        waiters.removeIf(w -> w.found() == found);
      }
    }
  }

  /** Returns the lines kept so far. */
  String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  private void pump(InputStream output) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        w.write(line);
        w.write('\n');
        w.flush();
        synchronized (lines) {
          if (lines.size() < MAX_LINES) {
            lines.add(line);
          }
          String l = line;
          waiters.removeIf(waiter -> waiter.match().test(l) && waiter.found().complete(l));
        }
      }
    } catch (IOException e) {
      // the process is gone; waiters time out with the log in their message
    }
  }
}
