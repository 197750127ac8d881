package dev.mtasts.core.internal;

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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one crash-safe file helper of the project, shared by the resolver's {@code FilePolicyStore}
 * and the TLS-RPT state directory:
 *
 * <ul>
 *   <li>{@link #write}: a reader sees the old content or the new, never a mix, and a completed
 *       write survives a power loss (temporary file, fsync, atomic rename, fsync of the directory);
 *   <li>{@link #readRegular}: reads a regular file only, never through a symbolic link, never
 *       opening a FIFO or device (which could block forever), within a byte cap;
 *   <li>{@link #frame}/{@link #unframe}: a checksummed envelope (a magic line, {@code key=value}
 *       lines, {@code body-length}, a CRC-32C, an empty line, the body);
 *   <li>{@link #quarantine}: sets a damaged file aside under a new name, never overwriting
 *       anything, and says when that failed;
 *   <li>{@link #directoryLock} serialises the writers of one directory within this JVM, whatever
 *       object they use; {@link #tryLockExclusively} holds a directory for one owner across
 *       processes.
 * </ul>
 */
public final class AtomicFiles {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  /** The suffix of temporary files; readers never look at them. */
  public static final String TEMP_SUFFIX = ".tmp";

  private static final String BODY_LENGTH = "body-length";
  private static final String CRC32C_FIELD = "crc32c";
  /** Read only: files written before CRC-32C became the one checksum. */
  private static final String LEGACY_CRC32_FIELD = "crc32";

  private static final ConcurrentHashMap<Path, ReentrantLock> DIRECTORY_LOCKS = new ConcurrentHashMap<>();

  private AtomicFiles() {}

  /** The directory that holds {@code file}; every absolute path to a file has one. */
  private static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException(file + " is not a file in a directory");
    }
    return parent;
  }

  /**
   * Writes {@code file} atomically and durably: a temporary file in the same directory, forced to
   * disk, renamed over {@code file} with an atomic move, then the directory forced.
   *
   * @param file the file to replace
   * @param content the whole new content
   * @throws IOException if writing fails or the file system cannot rename atomically
   */
  public static void write(Path file, byte[] content) throws IOException {
    Path directory = directoryOf(file);
    Path temp = directory.resolve("." + file.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + directory + " cannot rename atomically", e);
      }
      forceDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Reads a whole regular file within a byte cap. The file's type is checked without following a
   * symbolic link before it is opened, and it is opened with {@link LinkOption#NOFOLLOW_LINKS}, so
   * that a link never leads a read out of the directory and a FIFO or device is never opened (an
   * open FIFO blocks until a writer appears). A file swapped for a FIFO between the check and the
   * open needs write access to the directory; whoever has that can replace the content anyway.
   *
   * @param file the file
   * @param maxBytes the size limit
   * @return the content, or {@code null} if the file does not exist
   * @throws NotARegularFileException if it is a directory, link, FIFO, socket or device
   * @throws FileTooLargeException if it is larger than {@code maxBytes}
   * @throws IOException if reading fails or the file shrank while being read
   */
  public static byte @Nullable [] readRegular(Path file, int maxBytes) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(attributes);
    }
    if (attributes.size() > maxBytes) {
      throw new FileTooLargeException(attributes.size(), maxBytes);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > maxBytes) {
        throw new FileTooLargeException(size, maxBytes);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read fully
      }
      if (buf.hasRemaining()) {
        throw new IOException("the file shrank while it was read");
      }
      return buf.array();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** A file above the size limit: not ours, or damaged. */
  public static final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    FileTooLargeException(long size, int limit) {
      super("the file has " + size + " bytes, more than the limit of " + limit);
    }
  }

  /** A directory, symbolic link, FIFO, socket or device where a regular file was expected. */
  public static final class NotARegularFileException extends IOException {
    private static final long serialVersionUID = 1L;

    NotARegularFileException(BasicFileAttributes a) {
      super("not a regular file but " + (a.isDirectory() ? "a directory"
          : a.isSymbolicLink() ? "a symbolic link (never followed)"
          : "a FIFO, socket or device"));
    }
  }

  /**
   * Makes renames and deletions in a directory durable. Not every platform can open a directory;
   * that is logged at debug level and otherwise ignored.
   *
   * @param directory the directory
   */
  public static void forceDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Cannot force directory {}: {}", directory, e.toString());
    }
  }

  /**
   * Deletes the temporary files a killed writer left behind: those named {@code .<prefix>*.tmp}
   * last modified before {@code cutoff}. Readers never look at temporary files, so a younger one
   * that another process is writing right now is left alone.
   *
   * @param directory the directory
   * @param prefix the start of the target files' names
   * @param cutoff delete only files older than this; {@link Instant#MAX} deletes all
   * @throws IOException if the directory cannot be listed or a file cannot be deleted
   */
  public static void removeTemporaryFiles(Path directory, String prefix, Instant cutoff) throws IOException {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "." + prefix + "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checksummed envelope

  /**
   * Builds a checksummed file: the line {@code magic}, the fields as {@code name=value} lines in
   * order, {@code body-length}, {@code crc32c} (of every byte before that line and of the body),
   * an empty line, and the body.
   *
   * @param magic the first line, naming the format and its version
   * @param fields the fields in order; names of lower-case letters, digits and {@code -}, values
   *     without line breaks; a name may repeat
   * @param body the body
   * @return the file content
   * @throws IllegalArgumentException if a name or value is not allowed
   */
  public static byte[] frame(String magic, List<Map.Entry<String, String>> fields, byte[] body) {
    StringBuilder h = new StringBuilder(256).append(magic).append('\n');
    for (Map.Entry<String, String> f : fields) {
      line(h, f.getKey(), f.getValue());
    }
    line(h, BODY_LENGTH, Integer.toString(body.length));
    byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(head);
    crc.update(body);
    byte[] crcLine = (CRC32C_FIELD + "=" + String.format("%08x", crc.getValue()) + "\n\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + crcLine.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(crcLine, 0, out, head.length, crcLine.length);
    System.arraycopy(body, 0, out, head.length + crcLine.length, body.length);
    return out;
  }

  private static void line(StringBuilder h, String name, String value) {
    if (!name.matches("[a-z0-9-]+") || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("field not allowed: " + Text.quote(name));
    }
    h.append(name).append('=').append(value).append('\n');
  }

  /**
   * Reads and checks an envelope built by {@link #frame}: the magic line, the field syntax, the
   * body length and the checksum. A {@code crc32} (CRC-32) line instead of {@code crc32c} is
   * accepted, for files written before CRC-32C became the one checksum.
   *
   * @param bytes the file content
   * @param magic the first line it must have
   * @return the fields (without {@code body-length} and the checksum) and the body
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Frame unframe(byte[] bytes, String magic) {
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
    if (lines.length < 3 || !lines[0].equals(magic)) {
      throw new IllegalArgumentException("not a " + Text.quote(magic) + " file (bad header)");
    }
    List<Map.Entry<String, String>> fields = new ArrayList<>(lines.length);
    for (int i = 1; i < lines.length; i++) {
      int eq = lines[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad header line " + (i + 1));
      }
      fields.add(Map.entry(lines[i].substring(0, eq), lines[i].substring(eq + 1)));
    }
    Map.Entry<String, String> crcField = fields.remove(fields.size() - 1);
    Map.Entry<String, String> lengthField = fields.remove(fields.size() - 1);
    Checksum crc = switch (crcField.getKey()) {
      case CRC32C_FIELD -> new CRC32C();
      case LEGACY_CRC32_FIELD -> new CRC32();
      default -> throw new IllegalArgumentException("header fields out of order: no checksum last");
    };
    if (!lengthField.getKey().equals(BODY_LENGTH)) {
      throw new IllegalArgumentException("header fields out of order: no body-length before the checksum");
    }
    int length;
    long crcValue;
    try {
      length = Integer.parseInt(lengthField.getValue());
      crcValue = Long.parseLong(crcField.getValue(), 16);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("bad number in header: " + ex.getMessage(), ex);
    }
    int bodyStart = end + 2;
    if (length < 0 || (long) bodyStart + length != bytes.length) {
      throw new IllegalArgumentException("body length " + length + " does not match the file ("
          + (bytes.length - bodyStart) + " bytes)");
    }
    crc.update(bytes, 0, header.lastIndexOf('\n') + 1);
    crc.update(bytes, bodyStart, length);
    if (crc.getValue() != crcValue) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    byte[] body = new byte[length];
    System.arraycopy(bytes, bodyStart, body, 0, length);
    return new Frame(List.copyOf(fields), body);
  }

  /**
   * The checked content of an envelope.
   *
   * @param fields the fields in file order, without {@code body-length} and the checksum
   * @param body the body (not copied)
   */
  public record Frame(List<Map.Entry<String, String>> fields, byte[] body) {
    /**
     * Validates the components.
     *
     * @param fields the {@code fields} component
     * @param body the {@code body} component
     */
    public Frame {
      Objects.requireNonNull(fields, "fields");
      Objects.requireNonNull(body, "body");
    }

    /**
     * Returns every value of a field.
     *
     * @param name the field name
     * @return the values in file order, possibly none
     */
    public List<String> all(String name) {
      List<String> out = new ArrayList<>(2);
      for (Map.Entry<String, String> f : fields) {
        if (f.getKey().equals(name)) {
          out.add(f.getValue());
        }
      }
      return List.copyOf(out);
    }

    /**
     * Returns the single value of a field.
     *
     * @param name the field name
     * @return the value
     * @throws IllegalArgumentException if the field is missing or repeated
     */
    public String one(String name) {
      List<String> v = all(name);
      if (v.size() != 1) {
        throw new IllegalArgumentException("expected one '" + name + "' field, found " + v.size());
      }
      return v.get(0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Quarantine

  /**
   * Sets a damaged file aside: renames it to {@code <name>.<tag>-<millis>} in the same directory,
   * so that it is neither read again nor lost, and forces the directory. The rename never replaces
   * an existing file: when the target exists, or the rename fails for any other reason, the
   * outcome says so and the file stays where it is (its reader must then treat it as absent each
   * time, and a later atomic write over it heals it). A link, FIFO or directory is renamed itself;
   * nothing is followed.
   *
   * @param file the damaged file
   * @param tag what kind of setting aside, such as {@code corrupt}
   * @param now the time for the new name
   * @param reason what is wrong with it, for the outcome
   * @return the outcome, or {@code null} when the file had vanished (nothing to report)
   */
  public static @Nullable Quarantine quarantine(Path file, String tag, Instant now, String reason) {
    Path target = file.resolveSibling(file.getFileName() + "." + tag + "-" + now.toEpochMilli());
    try {
      // No ATOMIC_MOVE: on POSIX that is rename(2), which silently replaces an existing target.
      // Without it, an existing target fails the move; in one directory the move is still a rename.
      Files.move(file, target, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? new Quarantine(file, null, reason, e) : null;
    } catch (IOException | RuntimeException e) {
      return new Quarantine(file, null, reason, e);
    }
    forceDirectory(directoryOf(file));
    return new Quarantine(file, target, reason, null);
  }

  /**
   * What happened to a damaged file.
   *
   * @param file the file as it was named
   * @param movedTo where it is now, or {@code null} if it could not be set aside
   * @param reason what was wrong with it
   * @param failure why it could not be set aside, or {@code null}
   */
  public record Quarantine(Path file, @Nullable Path movedTo, String reason, @Nullable Exception failure) {
    /**
     * Describes the outcome for a log line or a report.
     *
     * @return a sentence naming the reason and, on failure, why the file stays
     */
    public String describe() {
      return movedTo != null ? reason
          : reason + "; it could not be set aside (" + failure + "), so it is ignored each time it is read";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Locks

  /**
   * Returns the lock that serialises every writer of a directory in this JVM, whichever object
   * writes: two stores opened on one directory share it. The directory is identified by its real
   * path, so that two spellings (or a symbolic link) of one directory give one lock. Other
   * processes are not excluded: see {@link #tryLockExclusively}.
   *
   * @param directory an existing directory
   * @return the lock, the same object for every call with that directory
   * @throws UncheckedIOException if the directory's real path cannot be resolved
   */
  public static ReentrantLock directoryLock(Path directory) {
    Path key;
    try {
      key = directory.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + directory, e);
    }
    return DIRECTORY_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
  }

  /**
   * Takes an exclusive lock on {@code lockFile} (created if missing) for one owner across
   * processes and within this JVM, without waiting.
   *
   * @param lockFile the lock file
   * @return the held lock; release it with {@link HeldLock#release()}
   * @throws IOException if the file cannot be opened
   * @throws IllegalStateException if another process or another object in this JVM holds it; the
   *     message names the file
   */
  public static HeldLock tryLockExclusively(Path lockFile) throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = null;
    try {
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException(lockFile + " is locked by another process, or by another instance in this JVM");
      }
      return new HeldLock(ch, lock);
    } finally {
      if (lock == null) {
        ch.close();
      }
    }
  }

  /** An exclusive lock taken by {@link #tryLockExclusively}. */
  public static final class HeldLock {
    private final FileChannel channel;
    private final FileLock lock;

    HeldLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /**
     * Releases the lock and closes its file. Idempotent.
     *
     * @throws IOException if releasing fails
     */
    public void release() throws IOException {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    }
  }
}
