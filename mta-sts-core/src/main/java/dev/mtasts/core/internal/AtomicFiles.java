package dev.mtasts.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe file writes shared by the policy store and the TLS-RPT state: a reader sees the old
 * content or the new, never a mix, and a completed write survives a power loss.
 */
public final class AtomicFiles {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  /** The suffix of temporary files; readers never look at them. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * Writes {@code file} atomically and durably: a temporary file in the same directory, forced to
   * disk, renamed over {@code file} with an atomic move, then the directory forced.
   *
   * @param file the file to replace
   * @param content the whole new content
   * @throws IOException if writing fails or the file system cannot rename atomically
   */
  public static void write(Path file, byte[] content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
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
   * Reads a whole file, refusing one larger than {@code maxBytes}.
   *
   * @param file the file
   * @param maxBytes the size limit
   * @return the content, or {@code null} if the file does not exist
   * @throws IOException if reading fails, the file is too large or it shrank while being read
   */
  public static byte @Nullable [] readBounded(Path file, int maxBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
}
