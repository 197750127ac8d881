package dev.mtasts.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opentest4j.TestAbortedException;

/**
 * What a test does when a real server it needs (knotd, redis-server, Postfix, Chromium) is not
 * installed: on a developer's machine it is skipped, and the reason is printed on the console
 * once, because a skip in {@code @BeforeAll} otherwise shows only as "Tests run: 0"; in CI, where
 * {@code MTASTS_REQUIRE_SERVERS=1}, it fails instead, so that a missing install step cannot pass
 * unnoticed.
 */
public final class RequiredServer {
  /** Environment variable that turns a missing server into a failure. */
  public static final String REQUIRE_SERVERS = "MTASTS_REQUIRE_SERVERS";

  private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();

  private RequiredServer() {}

  /**
   * Tells whether missing servers fail tests rather than skip them.
   *
   * @return {@code true} when {@code MTASTS_REQUIRE_SERVERS=1}
   */
  public static boolean required() {
    return "1".equals(System.getenv(REQUIRE_SERVERS));
  }

  /**
   * Reports a missing server: returns the exception to throw from the test or its set-up.
   *
   * @param server what is missing, such as {@code "knotd (Debian package 'knot')"}
   * @param remedy how to get it, such as {@code "apt-get install knot, or set MTASTS_KNOTD"}
   * @return a {@link TestAbortedException} (the test is skipped) or, when servers are required,
   *     an {@link IllegalStateException} (the test fails)
   */
  public static RuntimeException missing(String server, String remedy) {
    String message = server + " is not installed; " + remedy;
    if (required()) {
      return new IllegalStateException(message + " (" + REQUIRE_SERVERS + "=1 requires it)");
    }
    if (TOLD.add(server)) {
      // The console is the point: a skipped class would otherwise say nothing about why.
      System.err.println("[SKIPPED] tests that need " + server + ": " + message);
    }
    return new TestAbortedException(message);
  }

  /**
   * Finds a server's binary: the path in {@code envVar} if set (and then only that), else the
   * usual path, else {@code name} in a {@code PATH} directory.
   *
   * @param envVar the environment variable that may name the binary
   * @param usual where the distribution installs it
   * @param name the file name to look for on the {@code PATH}
   * @return the executable, or empty when none is found
   */
  static Optional<Path> binary(String envVar, Path usual, String name) {
    String configured = System.getenv(envVar);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(usual);
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, name));
        }
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }
}
