package dev.mtasts.owner.monitor.internal;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's state directory: one file per domain, {@code <domain>.monitor}, in the project's
 * checksummed envelope ({@link AtomicFiles#frame}) written atomically and durably. A damaged or
 * foreign file is set aside ({@link AtomicFiles#quarantine}) and the domain starts afresh, which
 * is logged (MON-31). One monitor holds the directory at a time, across processes.
 */
public final class StateStore implements AutoCloseable {
  /** The first line of every state file. */
  public static final String MAGIC = "MTA-STS-MONITOR-STATE 1";
  /** The most bytes of a state file read: far more than the open alerts and a 64 KiB policy need. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  private static final String SUFFIX = ".monitor";
  private static final String PREFIX_TEMP = "";
  private static final String DOMAIN = "domain";
  /** Longer names would pass NAME_MAX (255) with the temporary suffix: the file is named by a hash. */
  private static final int MAX_NAME = 200;

  private final Path directory;
  private final AtomicFiles.HeldLock lock;

  private StateStore(Path directory, AtomicFiles.HeldLock lock) {
    this.directory = directory;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed, locks it for this monitor and removes temporary files left
   * by a killed writer.
   *
   * @param directory the directory
   * @return the store
   * @throws IllegalStateException if another monitor holds the directory
   * @throws UncheckedIOException if the directory cannot be created or locked
   */
  public static StateStore open(Path directory) {
    Objects.requireNonNull(directory, "directory");
    try {
      Files.createDirectories(directory);
      AtomicFiles.HeldLock lock;
      try {
        lock = AtomicFiles.tryLockExclusively(directory.resolve("monitor.lock"));
      } catch (IllegalStateException e) {
        throw new IllegalStateException("the monitor state in " + directory
            + " is in use by another monitor (one per state directory)", e);
      }
      AtomicFiles.removeTemporaryFiles(directory, PREFIX_TEMP, Instant.MAX);
      return new StateStore(directory, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the monitor state directory " + directory, e);
    }
  }

  Path fileFor(PolicyDomain domain) {
    String name = domain.name() + SUFFIX;
    if (name.length() > MAX_NAME) {
      try {
        name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(domain.name().getBytes(StandardCharsets.UTF_8))) + SUFFIX;
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
    return directory.resolve(name);
  }

  /**
   * Reads a domain's state; never throws for a damaged file.
   *
   * @param domain the domain
   * @param now the time for a quarantined file's name
   * @return the state, or a fresh one when there is none or the file was set aside
   */
  public DomainState load(PolicyDomain domain, Instant now) {
    Path file = fileFor(domain);
    byte[] bytes;
    try {
      bytes = AtomicFiles.readRegular(file, MAX_FILE_BYTES);
    } catch (IOException e) {
      return setAside(domain, file, Text.message(e), now);
    }
    if (bytes == null) {
      return new DomainState(domain);
    }
    try {
      DomainState s = decode(bytes);
      if (!s.domain.equals(domain)) {
        return setAside(domain, file, "the file holds domain " + s.domain.name() + ", expected " + domain.name(), now);
      }
      return s;
    } catch (IllegalArgumentException e) {
      return setAside(domain, file, Text.message(e), now);
    }
  }

  /**
   * Reads a state file's bytes: the checksummed envelope, the body, and the header's domain
   * agreeing with the body's.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  private static DomainState decode(byte[] bytes) {
    AtomicFiles.Frame frame = AtomicFiles.unframe(bytes, MAGIC);
    String named = frame.one(DOMAIN);
    DomainState s = StateCodec.decode(frame.body());
    if (!named.equals(s.domain.name())) {
      throw new IllegalArgumentException("the header names domain " + named + ", the body " + s.domain.name());
    }
    return s;
  }

  private DomainState setAside(PolicyDomain domain, Path file, String reason, Instant now) {
    AtomicFiles.Quarantine q = AtomicFiles.quarantine(file, "corrupt", now, reason);
    if (q != null) {
      LOG.warn("Monitor state of {} is damaged and was set aside as {}: {}; the domain starts afresh, so its "
          + "open alerts fire again", domain, q.movedTo(), q.describe());
    }
    return new DomainState(domain);
  }

  /**
   * Writes a domain's state atomically and durably.
   *
   * @param state the state
   * @throws UncheckedIOException if writing fails
   */
  public void save(DomainState state) {
    byte[] bytes = AtomicFiles.frame(MAGIC, List.of(Map.entry(DOMAIN, state.domain.name())),
        StateCodec.encode(state));
    try {
      AtomicFiles.write(fileFor(state.domain), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the monitor state of " + state.domain, e);
    }
  }

  /**
   * Reads every domain's state in a directory without locking it or changing anything, for a
   * report of what a running monitor knows (MON-57): state files are replaced atomically, so each
   * is read whole. A damaged file is named in {@code problems} and left for the monitor to set
   * aside.
   *
   * @param directory the monitor's state directory
   * @param problems receives one line per file that cannot be read, and one if there are more
   *     than {@code maxFiles} files
   * @param maxFiles the most state files read
   * @param maxBytes the most bytes read over all files; the files after that are left out, and named
   *     in one line of {@code problems}
   * @return the states read, in file name order
   * @throws IOException if the directory cannot be listed
   */
  public static List<DomainState> readAll(Path directory, List<String> problems, int maxFiles, long maxBytes)
      throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(directory)) {
      Iterator<Path> it = list.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).iterator();
      while (it.hasNext()) {
        Path f = it.next();
        if (files.size() == maxFiles) {
          problems.add("more than " + maxFiles + " state files in " + directory + "; the others are left out");
          break;
        }
        files.add(f);
      }
    }
    files.sort(null);
    List<DomainState> out = new ArrayList<>(files.size());
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      if (total >= maxBytes) {
        problems.add("the state files read so far hold " + total + " bytes; the other " + (files.size() - i)
            + " files are left out");
        break;
      }
      try {
        byte[] bytes = AtomicFiles.readRegular(f, MAX_FILE_BYTES);
        if (bytes == null) {
          continue; // removed since the listing
        }
        total += bytes.length;
        out.add(decode(bytes));
      } catch (IOException | IllegalArgumentException e) {
        problems.add(f.getFileName() + ": " + Text.message(e));
      }
    }
    return out;
  }

  /**
   * Returns the directory.
   *
   * @return the state directory
   */
  public Path directory() {
    return directory;
  }

  /** Releases the directory. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("Cannot release the monitor state lock in {}: {}", directory, e.toString());
    }
  }

}
