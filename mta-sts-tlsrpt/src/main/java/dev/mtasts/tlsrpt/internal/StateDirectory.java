package dev.mtasts.tlsrpt.internal;

import dev.mtasts.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state files of one TLS-RPT component in a directory: held under an exclusive lock, written
 * atomically and durably, checksummed, read within a size limit, and set aside (never deleted)
 * when they cannot be read.
 *
 * <p>A component owns the files named {@code tlsrpt-<component>-<key>.state} and the lock file
 * {@code tlsrpt-<component>.lock}; several components may share a directory. A write goes to a
 * temporary file in the same directory, is forced to disk, renamed over the old file with an atomic
 * move, and the directory is forced too (as core's {@code FilePolicyStore} does), so a process
 * killed at any moment leaves the old file or the new one.
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
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path directory;
  private final String prefix;
  private final String owner;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StateDirectory(Path directory, String prefix, String owner, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.prefix = prefix;
    this.owner = owner;
    this.lockChannel = lockChannel;
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
    FileChannel ch = null;
    try {
      Files.createDirectories(directory);
      Path lockFile = directory.resolve("tlsrpt-" + component + ".lock");
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("the " + owner + " state in " + directory
            + " is in use by another process, or by another instance in this JVM (close it first)");
      }
      try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "." + prefix + "*" + TEMP_SUFFIX)) {
        for (Path temp : temps) {
          Files.deleteIfExists(temp);
        }
      }
      StateDirectory dir = new StateDirectory(directory, prefix, owner, ch, lock);
      ch = null;
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the " + owner + " state directory " + directory, e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException e) {
          LOG.debug("Cannot close {}", directory, e);
        }
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
      forceDirectory();
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

  /** Reads a file within the size limit; {@code null} if it vanished. */
  private static byte @Nullable [] read(Path file) throws IOException {
    return AtomicFiles.readBounded(file, MAX_FILE_BYTES);
  }

  /** Renames a file to {@code <name>.<tag>-<millis>} and logs why; never throws. */
  private void setAside(String key, String tag, String reason) {
    Path file = file(key);
    Path target = file.resolveSibling(file.getFileName() + "." + tag + "-" + System.currentTimeMillis());
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory();
      LOG.warn("Set aside {} state file {} as {}: {}", owner, file, target.getFileName(), reason);
    } catch (NoSuchFileException e) {
      LOG.debug("{} vanished before it could be set aside", file);
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot set aside {} state file {} ({}); it is ignored this time", owner, file, reason, e);
    }
  }

  /**
   * Releases the lock; the directory may then be opened again. Idempotent.
   */
  public void release() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Cannot release the {} state lock in {}", owner, directory, e);
    }
  }

  private void forceDirectory() {
    AtomicFiles.forceDirectory(directory);
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
    StringBuilder h = new StringBuilder(256).append(MAGIC).append('\n');
    line(h, "kind", kind);
    for (Map.Entry<String, String> f : fields) {
      line(h, f.getKey(), f.getValue());
    }
    line(h, "body-length", Integer.toString(body.length));
    byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(head);
    crc.update(body);
    byte[] crcLine = ("crc32c=" + String.format("%08x", crc.getValue()) + "\n\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + crcLine.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(crcLine, 0, out, head.length, crcLine.length);
    System.arraycopy(body, 0, out, head.length + crcLine.length, body.length);
    return out;
  }

  private static void line(StringBuilder h, String name, String value) {
    if (!name.matches("[a-z0-9-]+") || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("state field not allowed: " + name);
    }
    h.append(name).append('=').append(value).append('\n');
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
    int end = -1;
    for (int i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new IllegalArgumentException("no end of header");
    }
    String header = new String(bytes, 0, end, StandardCharsets.UTF_8);
    String[] lines = header.split("\n", -1);
    if (lines.length < 4 || !lines[0].equals(MAGIC)) {
      throw new IllegalArgumentException("not a TLS-RPT state file (bad header)");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int eq = lines[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad header line " + (i + 1));
      }
      fields.computeIfAbsent(lines[i].substring(0, eq), k -> new ArrayList<>()).add(lines[i].substring(eq + 1));
    }
    if (!lines[1].startsWith("kind=") || !lines[lines.length - 2].startsWith("body-length=")
        || !lines[lines.length - 1].startsWith("crc32c=")) {
      throw new IllegalArgumentException("header fields out of order");
    }
    Envelope e = new Envelope(fields, new byte[0]);
    if (!kind.equals(e.one("kind"))) {
      throw new IllegalArgumentException("a state file of kind '" + e.one("kind") + "', not '" + kind + "'");
    }
    int length;
    long crcValue;
    try {
      length = Integer.parseInt(e.one("body-length"));
      crcValue = Long.parseLong(e.one("crc32c"), 16);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("bad number in header: " + ex.getMessage(), ex);
    }
    int bodyStart = end + 2;
    if (length < 0 || (long) bodyStart + length != bytes.length) {
      throw new IllegalArgumentException("body length " + length + " does not match the file ("
          + (bytes.length - bodyStart) + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, header.lastIndexOf('\n') + 1);
    crc.update(bytes, bodyStart, length);
    if (crc.getValue() != crcValue) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    fields.remove("kind");
    fields.remove("body-length");
    fields.remove("crc32c");
    byte[] body = new byte[length];
    System.arraycopy(bytes, bodyStart, body, 0, length);
    return new Envelope(fields, body);
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
    private final Map<String, List<String>> fields;
    private final byte[] body;

    Envelope(Map<String, List<String>> fields, byte[] body) {
      this.fields = fields;
      this.body = body;
    }

    /**
     * Returns the single value of a field.
     *
     * @param name the field name
     * @return the value
     * @throws IllegalArgumentException if the field is missing or repeated
     */
    public String one(String name) {
      List<String> v = fields.getOrDefault(name, List.of());
      if (v.size() != 1) {
        throw new IllegalArgumentException("expected one '" + name + "' field, found " + v.size());
      }
      return v.get(0);
    }

    /**
     * Returns every value of a field.
     *
     * @param name the field name
     * @return the values in file order, possibly none
     */
    public List<String> all(String name) {
      return List.copyOf(fields.getOrDefault(name, List.of()));
    }

    /**
     * Returns the body.
     *
     * @return the body, not copied
     */
    public byte[] body() {
      return body;
    }
  }
}
