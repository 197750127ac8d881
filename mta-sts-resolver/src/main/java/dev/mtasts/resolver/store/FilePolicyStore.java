package dev.mtasts.resolver.store;

import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyStore} that keeps one file per domain in a directory, so that cached policies
 * survive restarts and a restart does not reopen the trust-on-first-use window.
 *
 * <p>Writes are atomic and durable: the entry is written to a temporary file in the same
 * directory, forced to disk, renamed over the old file with an atomic move, and the directory is
 * forced too. A process killed at any moment leaves the old entry or the new one. Each file carries
 * a CRC-32 of its content; a file that fails the check or does not parse is renamed to
 * {@code <name>.corrupt-<millis>} (quarantined), reported to the {@link CorruptEntryHandler} and
 * treated as absent.
 *
 * <p>Operations run in the calling thread and return completed stages: local file I/O is short,
 * and the resolver calls stores from its own executor. Saves of one domain are serialized within
 * this JVM; several processes may share a directory (last rename wins).
 */
public final class FilePolicyStore implements PolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(FilePolicyStore.class);
  private static final String MAGIC = "MTA-STS-STORE 1";
  private static final String SUFFIX = ".policy";
  /** A body is at most 64 KiB; the header is small. Anything larger is not ours. */
  private static final int MAX_FILE_BYTES = 64 * 1024 + 4096;
  private static final int MAX_FILE_NAME = 255;

  private final Path directory;
  private final CorruptEntryHandler onCorrupt;
  private final Object[] locks = new Object[64];

  /**
   * Receives every entry that could not be read back and was set aside.
   */
  @FunctionalInterface
  public interface CorruptEntryHandler {
    /**
     * Called after a corrupt file was renamed.
     *
     * @param file the file as it was named
     * @param quarantinedAs where it is now
     * @param reason what was wrong with it
     */
    void quarantined(Path file, Path quarantinedAs, String reason);
  }

  private FilePolicyStore(Path directory, CorruptEntryHandler onCorrupt) {
    this.directory = directory;
    this.onCorrupt = onCorrupt;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Opens (and creates if needed) a store in {@code directory}; corrupt entries are logged.
   *
   * @param directory the directory
   * @return the store
   * @throws UncheckedIOException if the directory cannot be created or is not a directory
   */
  public static FilePolicyStore open(Path directory) {
    return open(directory, (file, quarantinedAs, reason) -> LOG.warn(
        "Quarantined corrupt MTA-STS store entry {} as {}: {}", file, quarantinedAs, reason));
  }

  /**
   * Opens (and creates if needed) a store in {@code directory}.
   *
   * @param directory the directory
   * @param onCorrupt receives every entry that had to be quarantined
   * @return the store
   * @throws UncheckedIOException if the directory cannot be created or is not a directory
   */
  public static FilePolicyStore open(Path directory, CorruptEntryHandler onCorrupt) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(onCorrupt, "onCorrupt");
    try {
      Files.createDirectories(directory);
      removeAbandonedTemporaryFiles(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create policy store directory " + directory, e);
    }
    return new FilePolicyStore(directory, onCorrupt);
  }

  /**
   * Deletes temporary files that a killed writer left behind. Only files older than ten minutes
   * are touched, so that another process writing to the same directory right now is not disturbed;
   * younger ones are harmless because readers never look at temporary files.
   */
  private static void removeAbandonedTemporaryFiles(Path directory) throws IOException {
    long cutoff = System.currentTimeMillis() - 10 * 60 * 1000L;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, ".*" + AtomicFiles.TEMP_SUFFIX)) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toMillis() < cutoff) {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  /**
   * Returns the directory this store writes to.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  @Override
  public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    try {
      return CompletableFuture.completedStage(read(fileFor(domain), domain));
    } catch (IOException e) {
      return CompletableFuture.failedStage(e);
    }
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    Objects.requireNonNull(entry, "entry");
    Path file = fileFor(entry.domain());
    synchronized (lockFor(entry.domain())) {
      try {
        Optional<StoredPolicy> current = read(file, entry.domain());
        if (current.isPresent() && !entry.supersedes(current.get())) {
          return CompletableFuture.completedStage(null);
        }
        writeAtomically(file, encode(entry));
        return CompletableFuture.completedStage(null);
      } catch (IOException e) {
        return CompletableFuture.failedStage(e);
      }
    }
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    synchronized (lockFor(domain)) {
      try {
        if (Files.deleteIfExists(fileFor(domain))) {
          forceDirectory();
        }
        return CompletableFuture.completedStage(null);
      } catch (IOException e) {
        return CompletableFuture.failedStage(e);
      }
    }
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    List<StoredPolicy> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        read(file, null).ifPresent(out::add);
      }
      return CompletableFuture.completedStage(out);
    } catch (IOException e) {
      return CompletableFuture.failedStage(e);
    }
  }

  private Object lockFor(PolicyDomain domain) {
    return locks[Math.floorMod(domain.hashCode(), locks.length)];
  }

  Path fileFor(PolicyDomain domain) {
    String name = domain.name() + SUFFIX;
    if (name.length() > MAX_FILE_NAME - 40) {
      // Long names would exceed NAME_MAX with the temporary suffix; the header keeps the domain.
      name = sha256(domain.name()) + SUFFIX;
    }
    return directory.resolve(name);
  }

  private Optional<StoredPolicy> read(Path file, @Nullable PolicyDomain expected) throws IOException {
    byte[] bytes;
    try {
      bytes = AtomicFiles.readBounded(file, MAX_FILE_BYTES);
    } catch (AtomicFiles.FileTooLargeException e) {
      return quarantine(file, e.getMessage());
    }
    if (bytes == null) {
      return Optional.empty();
    }
    StoredPolicy entry;
    try {
      entry = decode(bytes);
    } catch (IllegalArgumentException e) {
      return quarantine(file, e.getMessage());
    }
    if (expected != null && !entry.domain().equals(expected)) {
      return quarantine(file, "file holds domain " + entry.domain() + ", expected " + expected);
    }
    if (!fileFor(entry.domain()).getFileName().equals(file.getFileName())) {
      return quarantine(file, "file holds domain " + entry.domain() + ", which belongs in " + fileFor(entry.domain()).getFileName());
    }
    return Optional.of(entry);
  }

  private Optional<StoredPolicy> quarantine(Path file, String reason) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    forceDirectory();
    try {
      onCorrupt.quarantined(file, target, reason);
    } catch (RuntimeException e) {
      LOG.warn("Corrupt-entry handler failed for {}", file, e);
    }
    return Optional.empty();
  }

  private void writeAtomically(Path file, byte[] content) throws IOException {
    AtomicFiles.write(file, content);
  }

  private void forceDirectory() {
    AtomicFiles.forceDirectory(directory);
  }

  static byte[] encode(StoredPolicy e) {
    byte[] body = e.policyText().getBytes(StandardCharsets.UTF_8);
    String header = MAGIC + "\n"
        + "domain=" + e.domain().name() + "\n"
        + "id=" + e.policyId() + "\n"
        + "fetched-at=" + e.fetchedAt() + "\n"
        + "expires-at=" + e.expiresAt() + "\n"
        + "body-length=" + body.length + "\n";
    byte[] head = header.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(head);
    crc.update(body);
    byte[] crcLine = String.format("crc32=%08x", crc.getValue()).concat("\n\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + crcLine.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(crcLine, 0, out, head.length, crcLine.length);
    System.arraycopy(body, 0, out, head.length + crcLine.length, body.length);
    return out;
  }

  /**
   * Decodes a file, checking everything.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static StoredPolicy decode(byte[] bytes) {
    int headerEnd = indexOf(bytes, "\n\n".getBytes(StandardCharsets.US_ASCII));
    if (headerEnd < 0) {
      throw new IllegalArgumentException("no end of header");
    }
    String header = new String(bytes, 0, headerEnd, StandardCharsets.US_ASCII);
    String[] lines = header.split("\n", -1);
    if (lines.length != 7 || !lines[0].equals(MAGIC)) {
      throw new IllegalArgumentException("not an MTA-STS store entry (bad header)");
    }
    String domain = field(lines[1], "domain");
    String id = field(lines[2], "id");
    String fetchedAt = field(lines[3], "fetched-at");
    String expiresAt = field(lines[4], "expires-at");
    int length;
    long crcValue;
    try {
      length = Integer.parseInt(field(lines[5], "body-length"));
      crcValue = Long.parseLong(field(lines[6], "crc32"), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in header: " + e.getMessage());
    }
    int bodyStart = headerEnd + 2;
    if (length < 0 || bodyStart + length != bytes.length) {
      throw new IllegalArgumentException("body length " + length + " does not match the file ("
          + (bytes.length - bodyStart) + " bytes)");
    }
    CRC32 crc = new CRC32();
    int crcLineStart = header.lastIndexOf('\n') + 1;
    crc.update(bytes, 0, crcLineStart);
    crc.update(bytes, bodyStart, length);
    if (crc.getValue() != crcValue) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    String text = new String(bytes, bodyStart, length, StandardCharsets.UTF_8);
    StoredPolicy entry;
    try {
      entry = new StoredPolicy(PolicyDomain.of(domain), id, text, Instant.parse(fetchedAt), Instant.parse(expiresAt));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time in header: " + e.getMessage());
    }
    try {
      entry.parsePolicy();
    } catch (MtaStsParseException e) {
      throw new IllegalArgumentException("stored body is not a valid policy: " + e.problems());
    }
    return entry;
  }

  private static String field(String line, String name) {
    if (!line.startsWith(name + "=")) {
      throw new IllegalArgumentException("expected header field '" + name + "'");
    }
    return line.substring(name.length() + 1);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "FilePolicyStore[" + directory + "]";
  }
}
