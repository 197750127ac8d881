package dev.mtasts.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a real headless Chromium on a local HTML file, for tests of pages the project renders: the
 * DOM after load ({@code --dump-dom}), a screenshot ({@code --screenshot}), and the console
 * messages the page caused (Chromium logs them to standard error as {@code CONSOLE} lines with
 * {@code --enable-logging=stderr}).
 *
 * <p>Every run gets a fresh profile directory, deleted afterwards, and flags that keep Chromium
 * off the network and quiet: {@code --headless --no-sandbox --disable-gpu --disable-quic
 * --no-first-run --disable-background-networking --disable-component-update --disable-sync}. A run
 * that does not end within its timeout is killed and fails the test.
 *
 * <p>The binary is {@code $MTASTS_CHROMIUM}, else {@code /usr/bin/chromium}, else
 * {@code chromium} on the {@code PATH}; without one the test is skipped, or fails when
 * {@code MTASTS_REQUIRE_SERVERS=1} ({@link RequiredServer}).
 */
public final class Chromium {
  /** Environment variable naming the Chromium binary. */
  public static final String CHROMIUM_ENV = "MTASTS_CHROMIUM";

  private final Path binary;
  private final Duration timeout;

  /**
   * What one run produced.
   *
   * @param stdout standard output: the DOM for {@link #dumpDom}
   * @param console the page's console messages, one per line Chromium logged
   * @param stderr all of standard error, for a failure message
   */
  public record Run(String stdout, List<String> console, String stderr) {
    /**
     * Copies the list.
     *
     * @param stdout the {@code stdout} component
     * @param console the {@code console} component
     * @param stderr the {@code stderr} component
     */
    public Run {
      Objects.requireNonNull(stdout, "stdout");
      console = List.copyOf(console);
      Objects.requireNonNull(stderr, "stderr");
    }
  }

  private Chromium(Path binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  /**
   * Finds Chromium, or skips (fails in CI) the calling test.
   *
   * @param timeout the most each run may take
   * @return a launcher
   * @throws RuntimeException from {@link RequiredServer#missing} when Chromium is not installed
   */
  public static Chromium require(Duration timeout) {
    Path b = RequiredServer.binary(CHROMIUM_ENV, Path.of("/usr/bin/chromium"), "chromium")
        .orElseThrow(() -> RequiredServer.missing("chromium (Debian package 'chromium')",
            "install it, or set " + CHROMIUM_ENV + " to its path"));
    return new Chromium(b, timeout);
  }

  /**
   * Loads a page and returns its DOM after load, scripts run.
   *
   * @param html the page
   * @param width the window width in CSS pixels
   * @param height the window height
   * @return the DOM on standard output, and the console messages
   * @throws IOException if Chromium cannot be run, fails or times out
   */
  public Run dumpDom(Path html, int width, int height) throws IOException {
    return run(html, width, height, "--dump-dom");
  }

  /**
   * Loads a page and saves a PNG screenshot of the window.
   *
   * @param html the page
   * @param png where to write the screenshot
   * @param width the window width in CSS pixels
   * @param height the window height (the screenshot's height: make it tall for a whole page)
   * @return the run, with the console messages
   * @throws IOException if Chromium cannot be run, fails, times out or writes no file
   */
  public Run screenshot(Path html, Path png, int width, int height) throws IOException {
    Files.deleteIfExists(png);
    Run r = run(html, width, height, "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath());
    if (!Files.isRegularFile(png)) {
      throw new IOException("chromium wrote no screenshot: " + r.stderr());
    }
    return r;
  }

  private Run run(Path html, int width, int height, String... action) throws IOException {
    Path profile = Files.createTempDirectory("mtasts-chromium-");
    try {
      List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
          "--window-size=" + width + "," + height));
      cmd.addAll(List.of(action));
      cmd.add(html.toAbsolutePath().toUri().toString());
      Path out = profile.resolve("stdout.txt");
      Path err = profile.resolve("stderr.txt");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted while chromium ran", e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException("chromium did not finish within " + timeout.toSeconds() + " s");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException("chromium exited with " + p.exitValue() + ": " + stderr);
      }
      List<String> console = stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
      return new Run(Files.readString(out, StandardCharsets.UTF_8), console, stderr);
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        // Chromium may leave a lock behind for a moment; a leftover temp profile is harmless.
      }
    }
  }
}
