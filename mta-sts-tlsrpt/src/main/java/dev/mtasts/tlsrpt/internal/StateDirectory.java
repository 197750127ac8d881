package dev.mtasts.tlsrpt.internal;

import dev.mtasts.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state files of one TLS-RPT component in a directory: held under an exclusive lock, written
 * atomically and durably, checksummed, read within a size limit, and set aside (never deleted)
 * when they cannot be read. Every one of these steps is core's one crash-safe file helper
 * ({@code AtomicFiles}), which the resolver's {@code FilePolicyStore} uses too.
 *
 * <p>A component owns the files named {@code tlsrpt-<component>-<key>.state} and the lock file
 * {@code tlsrpt-<component>.lock}; several components may share a directory. The lock is an
 * exclusive file lock taken without waiting: one owner across processes and within this JVM. A
 * write goes to a temporary file in the same directory, is forced to disk, renamed over the old
 * file with an atomic move, and the directory is forced too, so a process killed at any moment
 * leaves the old file or the new one. Only regular files are read, never through a symbolic link,
 * and never a FIFO or device (SEC-30).
 *
 * <p>Each file is an envelope: a line {@value #MAGIC}, {@code key=value} lines (the first is
 * {@code kind}), {@code body-length} and a CRC-32C of everything else, an empty line, and the body.
 */
public final class StateDirectory {
  /** No state file may be larger than this: 16 MiB. */
  public static final int MAX_FILE_BYTES = 16 << 20;
  /** The first line of every state file. */
  public static final String MAGIC = "TLSRPT-STATE 1";

  private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
  private static final String SUFFIX = ".state";
  private static final String KIND = "kind";

  private final Path directory;
  private final String prefix;
  private final String owner;
  private final AtomicFiles.HeldLock lock;

  private StateDirectory(Path directory, String prefix, String owner, AtomicFiles.HeldLock lock) {
    this.directory = directory;
    this.prefix = prefix;
    this.owner = owner;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed, locks the component's files in it and removes temporary
   * files an earlier process left behind.
   *
   * @param directory the directory
   * @param component the component name, such as {@code day}: lower-case letters
   * @param owner what the component is, for messages, such as {@code "TLS-RPT recorder"}
   * @param load reads the saved state, typically with {@link #loadAll(String, int, Decoder)}; if it
   *     throws, the lock is released and the exception passed on
   * @return the locked state directory
   * @throws IllegalStateException if another process, or another object in this JVM, holds the
   *     component's lock in that directory
   * @throws UncheckedIOException if the directory cannot be created or locked
   */
  public static StateDirectory open(Path directory, String component, String owner, Consumer<StateDirectory> load) {
    StateDirectory dir = open(directory, component, owner);
    try {
      load.accept(dir);
    } catch (RuntimeException e) {
      dir.release();
      throw e;
    }
    return dir;
  }

  private static StateDirectory open(Path directory, String component, String owner) {
    Objects.requireNonNull(directory, "directory");
    if (!component.matches("[a-z]+")) {
      throw new IllegalArgumentException("component must be lower-case letters: " + component);
    }
    String prefix = "tlsrpt-" + component + "-";
    AtomicFiles.HeldLock lock = null;
    try {
      Files.createDirectories(directory);
      try {
        lock = AtomicFiles.tryLockExclusively(directory.resolve("tlsrpt-" + component + ".lock"));
      } catch (IllegalStateException e) {
        throw new IllegalStateException("the " + owner + " state in " + directory
            + " is in use by another process, or by another instance in this JVM (close it first)", e);
      }
      // The lock is exclusive, so every temporary file of this component is abandoned.
      AtomicFiles.removeTemporaryFiles(directory, prefix, Instant.MAX);
      StateDirectory dir = new StateDirectory(directory, prefix, owner, lock);
      lock = null;
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the " + owner + " state directory " + directory, e);
    } finally {
      if (lock != null) {
        release(lock, owner, directory);
      }
    }
  }

  /**
   * Returns the directory.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Returns the file of a key.
   *
   * @param key the key: letters, digits and {@code -}
   * @return {@code tlsrpt-<component>-<key>.state} in the directory
   */
  public Path file(String key) {
    return directory.resolve(prefix + key + SUFFIX);
  }

  /**
   * Writes a file atomically and durably: temporary file, force, atomic rename, force of the
   * directory.
   *
   * @param key the key of the file
   * @param content the whole file
   * @throws IOException if it cannot be written, the file system cannot rename atomically, or the
   *     content exceeds {@link #MAX_FILE_BYTES}
   */
  public void write(String key, byte[] content) throws IOException {
    if (content.length > MAX_FILE_BYTES) {
      throw new IOException("the " + owner + " state of " + key + " would take " + content.length
          + " bytes, more than the limit of " + MAX_FILE_BYTES);
    }
    AtomicFiles.write(file(key), content);
  }

  /**
   * Deletes a file, durably.
   *
   * @param key the key of the file
   * @throws IOException if it cannot be deleted
   */
  public void delete(String key) throws IOException {
    if (Files.deleteIfExists(file(key))) {
      AtomicFiles.forceDirectory(directory);
    }
  }

  /**
   * Reads the component's files, newest key first up to {@code maxFiles}; sets aside the files
   * beyond that number and every file that cannot be read or decoded, logging each.
   *
   * @param <T> what a file decodes to
   * @param kind the {@code kind} every file must have
   * @param maxFiles how many files to read at most
   * @param decoder decodes one file; throws {@link IllegalArgumentException} (or any runtime
   *     exception) if the file is not valid
   * @return the decoded files, in ascending order of their keys
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public <T> List<T> loadAll(String kind, int maxFiles, Decoder<T> decoder) {
    List<String> keys = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        keys.add(name.substring(prefix.length(), name.length() - SUFFIX.length()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the " + owner + " state directory " + directory, e);
    }
    keys.sort(Collections.reverseOrder());
    List<T> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (i >= maxFiles) {
        setAside(key, "excess", "more than " + maxFiles + " state files; only the newest are read");
        continue;
      }
      byte[] bytes;
      try {
        bytes = read(file(key));
      } catch (IOException e) {
        setAside(key, "corrupt", "unreadable: " + e);
        continue;
      }
      if (bytes == null) {
        continue;
      }
      try {
        out.add(decoder.decode(key, decode(bytes, kind)));
      } catch (RuntimeException e) {
        setAside(key, "corrupt", String.valueOf(e.getMessage()));
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** Reads a regular file within the size limit; {@code null} if it vanished. */
  private static byte @Nullable [] read(Path file) throws IOException {
    return AtomicFiles.readRegular(file, MAX_FILE_BYTES);
  }

  /** Renames a file to {@code <name>.<tag>-<millis>} and logs why; never throws. */
  private void setAside(String key, String tag, String reason) {
    AtomicFiles.Quarantine q = AtomicFiles.quarantine(file(key), tag, Instant.now(), reason);
    if (q == null) {
      LOG.debug("{} vanished before it could be set aside", file(key));
    } else if (q.movedTo() != null) {
      LOG.warn("Set aside {} state file {} as {}: {}", owner, q.file(), q.movedTo().getFileName(), reason);
    } else {
      LOG.error("Cannot set aside {} state file {}: {}", owner, q.file(), q.describe());
    }
  }

  /**
   * Releases the lock; the directory may then be opened again. Idempotent.
   */
  public void release() {
    release(lock, owner, directory);
  }

  private static void release(AtomicFiles.HeldLock lock, String owner, Path directory) {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("Cannot release the {} state lock in {}", owner, directory, e);
    }
  }

  /**
   * Builds a state file: the envelope around a body.
   *
   * @param kind the {@code kind} field
   * @param fields further fields in order; names of lower-case letters, digits and {@code -},
   *     values without line breaks; a field may repeat
   * @param body the body
   * @return the file content
   * @throws IllegalArgumentException if a name or value is not allowed
   */
  public static byte[] encode(String kind, List<Map.Entry<String, String>> fields, byte[] body) {
    List<Map.Entry<String, String>> all = new ArrayList<>(fields.size() + 1);
    all.add(Map.entry(KIND, kind));
    all.addAll(fields);
    return AtomicFiles.frame(MAGIC, all, body);
  }

  /**
   * Reads the envelope of a state file, checking everything.
   *
   * @param bytes the file content
   * @param kind the {@code kind} it must have
   * @return the fields (without {@code kind}, {@code body-length} and {@code crc32c}) and the body
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Envelope decode(byte[] bytes, String kind) {
    AtomicFiles.Frame frame = AtomicFiles.unframe(bytes, MAGIC);
    List<Map.Entry<String, String>> fields = frame.fields();
    if (fields.isEmpty() || !fields.get(0).getKey().equals(KIND)) {
      throw new IllegalArgumentException("header fields out of order");
    }
    String found = frame.one(KIND);
    if (!kind.equals(found)) {
      throw new IllegalArgumentException("a state file of kind '" + found + "', not '" + kind + "'");
    }
    return new Envelope(new AtomicFiles.Frame(fields.subList(1, fields.size()), frame.body()));
  }

  /** Decodes one state file. */
  @FunctionalInterface
  public interface Decoder<T> {
    /**
     * Decodes a file.
     *
     * @param key the file's key
     * @param envelope its checked envelope
     * @return the decoded value
     * @throws IllegalArgumentException if the content is not valid
     */
    T decode(String key, Envelope envelope);
  }

  /** The checked content of a state file: its fields and body. */
  public static final class Envelope {
    private final AtomicFiles.Frame frame;

    Envelope(AtomicFiles.Frame frame) {
      this.frame = frame;
    }

    /**
     * Returns the single value of a field.
     *
     * @param name the field name
     * @return the value
     * @throws IllegalArgumentException if the field is missing or repeated
     */
    public String one(String name) {
      return frame.one(name);
    }

    /**
     * Returns every value of a field.
     *
     * @param name the field name
     * @return the values in file order, possibly none
     */
    public List<String> all(String name) {
      return frame.all(name);
    }

    /**
     * Returns the body.
     *
     * @return the body, not copied
     */
    public byte[] body() {
      return frame.body();
    }
  }
}
