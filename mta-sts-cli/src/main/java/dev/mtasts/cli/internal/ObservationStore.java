package dev.mtasts.cli.internal;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.PolicyDrift;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * What {@code mta-sts check} saw last time for each domain (the published id and the policy
 * served), so the next check can tell "policy changed but id not bumped". One small file per
 * domain, written atomically.
 */
final class ObservationStore {
  /** The most bytes of a state file read: the {@code id=} line (an id is at most 32 characters) and a policy. */
  static final int MAX_FILE_BYTES = MtaStsPolicy.MAX_BODY_BYTES + 64;

  private final Path dir;

  ObservationStore(Path dir) {
    this.dir = dir;
  }

  static Path defaultDirectory() {
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("mta-sts");
  }

  /**
   * Reads what the last check of {@code domain} saw.
   *
   * @return the observation, or {@code null} if there is none or the file is damaged
   * @throws IllegalArgumentException if the state file is a FIFO, device, directory or symbolic
   *     link, or larger than {@link #MAX_FILE_BYTES} (SEC-20, SEC-21): reading it could block or
   *     exhaust memory, and this tool never wrote it
   */
  PolicyDrift.@Nullable Observation load(PolicyDomain domain) {
    Path file = dir.resolve(domain.name() + ".observation");
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    byte[] bytes = InputFiles.read(file, "the state file " + file, MAX_FILE_BYTES, LinkOption.NOFOLLOW_LINKS);
    try {
      String text = new String(bytes, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      if (nl < 0 || !text.startsWith("id=")) {
        return null;
      }
      return new PolicyDrift.Observation(text.substring(3, nl), MtaStsPolicy.parse(text.substring(nl + 1)));
    } catch (IllegalArgumentException e) {
      // A damaged file (MtaStsParseException is an IllegalArgumentException): drift against history is then simply not checked.
      return null;
    }
  }

  void save(PolicyDomain domain, PolicyDrift.Observation observation) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(domain.name() + ".observation");
    Path temp = Files.createTempFile(dir, "." + domain.name(), ".tmp");
    try {
      Files.writeString(temp, "id=" + observation.id() + "\n" + observation.policy().toText(), StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
