package dev.mtasts.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files the command line is given (SEC-20, SEC-21): only regular files, and never more
 * than a stated number of bytes, so that {@code lint FIFO} or {@code --ca-file /dev/zero} fails at
 * once instead of blocking in {@code open} or reading forever, and a huge file cannot exhaust the
 * heap.
 *
 * <p>The file type is checked before the file is opened: opening a FIFO for reading blocks until a
 * writer appears, so checking afterwards would be too late. A file swapped for a FIFO between the
 * check and the open is a race only the user's own account can win.
 */
final class InputFiles {
  /** The most bytes read from a {@code --ca-file}: 1 MiB, far above any real CA bundle (about 220 KiB). */
  static final int MAX_CA_FILE_BYTES = 1 << 20;

  private InputFiles() {}

  /**
   * Reads at most {@code maxBytes + 1} bytes of a regular file, so a caller can tell "exactly at
   * the cap" from "over it" (the policy linter reports the latter as a problem of its own).
   *
   * @param path the file
   * @param what how the user named it, for messages ({@code "--ca-file x.pem"})
   * @param maxBytes the cap
   * @param links whether a symbolic link is followed ({@code NOFOLLOW_LINKS} refuses one)
   * @return up to {@code maxBytes + 1} bytes
   * @throws IllegalArgumentException if the file is missing, not a regular file or unreadable
   */
  static byte[] readAtMost(Path path, String what, int maxBytes, LinkOption... links) {
    regularFile(path, what, links);
    try (InputStream in = Files.newInputStream(path, links)) {
      return in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a regular file whole, refusing one over {@code maxBytes}.
   *
   * @param path the file
   * @param what how the user named it, for messages
   * @param maxBytes the cap
   * @param links whether a symbolic link is followed
   * @return the bytes, at most {@code maxBytes}
   * @throws IllegalArgumentException if the file is missing, not a regular file, unreadable or too large
   */
  static byte[] read(Path path, String what, int maxBytes, LinkOption... links) {
    byte[] bytes = readAtMost(path, what, maxBytes, links);
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(what + " is larger than " + maxBytes + " bytes");
    }
    return bytes;
  }

  private static void regularFile(Path path, String what, LinkOption... links) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, links);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + what, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      String kind = attributes.isDirectory() ? "a directory" : attributes.isSymbolicLink() ? "a symbolic link"
          : "not a regular file (a FIFO, socket or device)";
      throw new IllegalArgumentException(what + " is " + kind + "; give a regular file");
    }
  }
}
