package dev.mtasts.resolver.store;

import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Builders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyStore} that keeps one file per domain in a directory, so that cached policies
 * survive restarts and a restart does not reopen the trust-on-first-use window.
 *
 * <p>Files are written, read, checksummed and set aside with core's one crash-safe file helper
 * ({@code AtomicFiles}), as the TLS-RPT state is:
 * <ul>
 *   <li>A write is atomic and durable: temporary file, forced to disk, atomic rename over the old
 *       file, directory forced. A process killed at any moment leaves the old entry or the new one.
 *   <li>An entry is read only if it is a regular file, never through a symbolic link (a link can
 *       never lead a read out of the directory) and never a FIFO or device (whose open could block
 *       forever), and only up to {@value #MAX_FILE_BYTES} bytes.
 *   <li>Each file carries a CRC-32C of its content (files written with the earlier CRC-32 are still
 *       read). A file that fails the check, does not parse, holds times outside
 *       {@link StoredPolicy#EARLIEST} to {@link StoredPolicy#LATEST}, is too large or is not a
 *       regular file is renamed to {@code <name>.corrupt-<millis>} (quarantined), reported to the
 *       {@link CorruptEntryHandler} and treated as absent. When it cannot be renamed, it is
 *       reported as such and treated as absent each time it is read (never failing the load, so
 *       the domain is never deferred because of it); the next save replaces a file, not a
 *       directory (CAC-21, SEC-30).
 *   <li>Loaded entries are clamped to the store's clock ({@link StoredPolicy#clampedTo}), and a
 *       save compares with {@link StoredPolicy#supersedes(StoredPolicy, Instant)} at the store's
 *       clock, so an entry fetched "in the future" before the wall clock was stepped back cannot
 *       win forever (CAC-20).
 * </ul>
 *
 * <p>Concurrency: every load, save and delete in this JVM on one directory is serialised by one
 * lock per directory (its real path), whichever {@code FilePolicyStore} object is used, so the
 * newest fetch always wins in-JVM (CAC-22). Across processes sharing a directory, each write is
 * still atomic and every file is whole, but the compare-then-rename of a save is not: the last
 * rename wins, so an older entry may replace a newer one until the next refresh stores a newer
 * fetch again.
 *
 * <p>Operations run in the calling thread and return completed stages: local file I/O is short,
 * and the resolver calls stores from its own executor.
 */
public final class FilePolicyStore implements PolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(FilePolicyStore.class);
  private static final String MAGIC = "MTA-STS-STORE 1";
  private static final String SUFFIX = ".policy";
  private static final String DOMAIN = "domain";
  private static final String ID = "id";
  private static final String FETCHED_AT = "fetched-at";
  private static final String EXPIRES_AT = "expires-at";
  private static final List<String> FIELDS = List.of(DOMAIN, ID, FETCHED_AT, EXPIRES_AT);
  /** The cap on an entry file: a body is at most 64 KiB and the header is small. */
  public static final int MAX_FILE_BYTES = 64 * 1024 + 4096;
  private static final int MAX_FILE_NAME = 255;
  /** Temporary files younger than this may belong to another process writing right now. */
  private static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

  private final Path directory;
  private final CorruptEntryHandler onCorrupt;
  private final InstantSource clock;
  private final ReentrantLock lock;

  /**
   * Receives every entry that could not be read back: set aside, or left in place when even that
   * failed.
   */
  @FunctionalInterface
  public interface CorruptEntryHandler {
    /**
     * Called after a corrupt entry was found; the entry is treated as absent.
     *
     * @param file the file as it was named
     * @param quarantinedAs where it is now, or {@code null} if it could not be renamed (then the
     *     reason says why, and it is reported again each time it is read)
     * @param reason what was wrong with it
     */
    void quarantined(Path file, @Nullable Path quarantinedAs, String reason);
  }

  private FilePolicyStore(Builder b) throws IOException {
    this.directory = b.directory;
    this.onCorrupt = b.onCorrupt != null ? b.onCorrupt : FilePolicyStore::logCorrupt;
    this.clock = b.clock != null ? b.clock : InstantSource.system();
    Files.createDirectories(directory);
    AtomicFiles.removeTemporaryFiles(directory, "", clock.instant().minus(ABANDONED_AFTER));
    this.lock = AtomicFiles.directoryLock(directory);
  }

  private static void logCorrupt(Path file, @Nullable Path quarantinedAs, String reason) {
    LOG.warn("Corrupt MTA-STS store entry {}{}: {}", file,
        quarantinedAs == null ? " (left in place)" : " quarantined as " + quarantinedAs, SafeText.escape(reason));
  }

  /**
   * Returns a builder for a store in {@code directory}.
   *
   * @param directory the directory, created if missing
   * @return a new builder
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens (and creates if needed) a store in {@code directory}; corrupt entries are logged at WARN.
   *
   * @param directory the directory
   * @return the store
   * @throws UncheckedIOException if the directory cannot be created or is not a directory
   */
  public static FilePolicyStore open(Path directory) {
    return builder(directory).build();
  }

  /**
   * Opens (and creates if needed) a store in {@code directory}.
   *
   * @param directory the directory
   * @param onCorrupt receives every entry that could not be read back
   * @return the store
   * @throws UncheckedIOException if the directory cannot be created or is not a directory
   */
  public static FilePolicyStore open(Path directory, CorruptEntryHandler onCorrupt) {
    return builder(directory).onCorrupt(onCorrupt).build();
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
    return locked(now -> read(fileFor(domain), domain, now).map(e -> e.clampedTo(now)));
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    Objects.requireNonNull(entry, "entry");
    Path file = fileFor(entry.domain());
    return locked(now -> {
      Optional<StoredPolicy> current = read(file, entry.domain(), now);
      if (current.isEmpty() || entry.supersedes(current.get(), now)) {
        AtomicFiles.write(file, encode(entry));
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    return locked(now -> {
      if (Files.deleteIfExists(fileFor(domain))) {
        AtomicFiles.forceDirectory(directory);
      }
      return null;
    });
  }

  /** One step on the directory's files, under the directory's lock (CAC-22). */
  @FunctionalInterface
  private interface Step<T> {
    @Nullable T run(Instant now) throws IOException;
  }

  private <T> CompletionStage<T> locked(Step<T> step) {
    lock.lock();
    try {
      return CompletableFuture.completedStage(step.run(clock.instant()));
    } catch (IOException e) {
      return CompletableFuture.failedStage(e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      listing.forEach(files::add);
    } catch (IOException e) {
      return CompletableFuture.failedStage(e);
    }
    List<StoredPolicy> out = new ArrayList<>(files.size());
    for (Path file : files) {
      // Per file, so that saves are not held up by a long listing; read() never throws.
      locked(now -> read(file, null, now).map(e -> e.clampedTo(now))).thenAccept(e -> e.ifPresent(out::add));
    }
    return CompletableFuture.completedStage(out);
  }

  Path fileFor(PolicyDomain domain) {
    String name = domain.name() + SUFFIX;
    if (name.length() > MAX_FILE_NAME - 40) {
      // Long names would exceed NAME_MAX with the temporary suffix; the header keeps the domain.
      name = sha256(domain.name()) + SUFFIX;
    }
    return directory.resolve(name);
  }

  /**
   * Reads one entry as stored (not clamped). Never throws: whatever is wrong with the file is
   * reported and the entry is absent, so one entry never fails a load or a whole round (CAC-21).
   */
  private Optional<StoredPolicy> read(Path file, @Nullable PolicyDomain expected, Instant now) {
    byte[] bytes;
    try {
      bytes = AtomicFiles.readRegular(file, MAX_FILE_BYTES);
    } catch (IOException e) {
      return setAside(file, String.valueOf(e.getMessage()), now);
    }
    if (bytes == null) {
      return Optional.empty();
    }
    StoredPolicy entry;
    try {
      entry = decode(bytes);
    } catch (IllegalArgumentException e) {
      return setAside(file, String.valueOf(e.getMessage()), now);
    }
    if (expected != null && !entry.domain().equals(expected)) {
      return setAside(file, "file holds domain " + entry.domain() + ", expected " + expected, now);
    }
    if (!fileFor(entry.domain()).getFileName().equals(file.getFileName())) {
      return setAside(file, "file holds domain " + entry.domain() + ", which belongs in "
          + fileFor(entry.domain()).getFileName(), now);
    }
    return Optional.of(entry);
  }

  private Optional<StoredPolicy> setAside(Path file, String reason, Instant now) {
    AtomicFiles.Quarantine q = AtomicFiles.quarantine(file, "corrupt", now, reason);
    if (q != null) {
      try {
        onCorrupt.quarantined(file, q.movedTo(), q.describe());
      } catch (RuntimeException e) {
        LOG.warn("Corrupt-entry handler failed for {}", file, e);
      }
    }
    return Optional.empty();
  }

  static byte[] encode(StoredPolicy e) {
    return AtomicFiles.frame(MAGIC, List.of(
        Map.entry(DOMAIN, e.domain().name()),
        Map.entry(ID, e.policyId()),
        Map.entry(FETCHED_AT, e.fetchedAt().toString()),
        Map.entry(EXPIRES_AT, e.expiresAt().toString())),
        e.policyText().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a file, checking everything.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static StoredPolicy decode(byte[] bytes) {
    AtomicFiles.Frame frame = AtomicFiles.unframe(bytes, MAGIC);
    List<String> names = frame.fields().stream().map(Map.Entry::getKey).toList();
    if (!names.equals(FIELDS)) {
      throw new IllegalArgumentException("not an MTA-STS store entry (header fields " + names + ")");
    }
    String text = new String(frame.body(), StandardCharsets.UTF_8);
    StoredPolicy entry;
    try {
      entry = new StoredPolicy(PolicyDomain.of(frame.one(DOMAIN)), frame.one(ID), text,
          Instant.parse(frame.one(FETCHED_AT)), Instant.parse(frame.one(EXPIRES_AT)));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time in header: " + e.getMessage(), e);
    }
    try {
      entry.parsePolicy();
    } catch (MtaStsParseException e) {
      throw new IllegalArgumentException("stored body is not a valid policy: " + e.problems(), e);
    }
    return entry;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Builds a {@link FilePolicyStore}; every option may be set once. */
  public static final class Builder {
    private final Path directory;
    private @Nullable CorruptEntryHandler onCorrupt;
    private @Nullable InstantSource clock;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Sets who hears about entries that could not be read back; default: a WARN log line.
     *
     * @param handler the handler
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder onCorrupt(CorruptEntryHandler handler) {
      this.onCorrupt = Builders.once(this.onCorrupt, handler, "onCorrupt");
      return this;
    }

    /**
     * Sets the clock that loads clamp to and saves compare with (CAC-20), and that names
     * quarantined files; default: the system clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Opens (and creates if needed) the store's directory and removes temporary files that a
     * killed writer left behind more than ten minutes ago.
     *
     * @return the store
     * @throws UncheckedIOException if the directory cannot be created or is not a directory
     */
    public FilePolicyStore build() {
      try {
        return new FilePolicyStore(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create policy store directory " + directory, e);
      }
    }
  }

  @Override
  public String toString() {
    return "FilePolicyStore[" + directory + "]";
  }
}
