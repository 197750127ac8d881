package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file the command line reads is a regular file, read with a cap (SEC-20, SEC-21): a FIFO, a
 * device, a directory or a huge file is refused at once with exit code 1. Each run is bounded by
 * {@link #DEADLINE} on its own thread, so a regression fails the test instead of hanging the build.
 */
class InputFilesTest {
  static final Duration DEADLINE = Duration.ofSeconds(30);
  /** Never contacted: the commands must stop at the file, before the network. */
  static final String[] OFFLINE = {"--no-state", "--timeout", "1", "--dns-server", "127.0.0.1:9"};

  static Cli run(String... args) {
    return assertTimeoutPreemptively(DEADLINE, () -> Cli.run(args), "the command hung on its input file");
  }

  static String[] check(String... extra) {
    List<String> a = new ArrayList<>(List.of("check", "example.test"));
    a.addAll(List.of(OFFLINE));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  /** Makes a FIFO with mkfifo(1); skips, saying why, where there is none. */
  static Path fifo(Path dir, String name) throws IOException, InterruptedException {
    Path fifo = dir.resolve(name);
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "no mkfifo on this system (not POSIX?): " + e.getMessage());
      throw e;
    }
    assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed on this system");
    return fifo;
  }

  static Path devZero() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero on this system (not POSIX?)");
    return zero;
  }

  static void assertRefused(Cli r, String... messageParts) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(MtaStsCli.ERRORS);
    assertThat(r.err()).startsWith("mta-sts: ").contains(messageParts);
  }

  @Test
  @DisplayName("SEC-20: lint refuses a FIFO instead of blocking in open()")
  void lintRefusesAFifo(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir, "policy.txt");
    assertRefused(run("lint", fifo.toString()), fifo.toString(), "not a regular file");
  }

  @Test
  @DisplayName("SEC-20: lint refuses a device and a directory")
  void lintRefusesADeviceAndADirectory(@TempDir Path dir) {
    assertRefused(run("lint", devZero().toString()), "/dev/zero", "not a regular file");
    assertRefused(run("lint", dir.toString()), "is a directory");
    assertRefused(run("lint", dir.resolve("missing.txt").toString()), "no such file");
  }

  @Test
  @DisplayName("SEC-21: lint reads at most 64 KiB + 1 of a policy file, however large the file")
  void lintReadsAHugeFileOnlyUpToTheCap(@TempDir Path dir) throws IOException {
    Path huge = dir.resolve("huge.txt");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB that take no disk, and more than the heap
    }
    Cli r = run("lint", huge.toString(), "--json");
    assertThat(r.exitCode()).isEqualTo(MtaStsCli.ERRORS);
    assertThat(JsonDoc.parse(r.out())).containsEntry("valid", false);
    assertThat(r.out()).contains("POLICY_TOO_LARGE", "65537 bytes");
  }

  @Test
  @DisplayName("SEC-20: check and resolve refuse a --ca-file that is a FIFO, /dev/zero or a directory")
  void theCaFileMustBeARegularFile(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir, "ca.pem");
    assertRefused(run(check("--ca-file", fifo.toString())), "--ca-file " + fifo, "not a regular file");
    assertRefused(run(check("--ca-file", devZero().toString())), "--ca-file /dev/zero", "not a regular file");
    assertRefused(run(check("--ca-file", dir.toString())), "is a directory");
    assertRefused(run("resolve", "example.test", "--timeout", "1", "--dns-server", "127.0.0.1:9",
        "--ca-file", fifo.toString()), "not a regular file");
  }

  @Test
  @DisplayName("SEC-21: a --ca-file over 1 MiB is refused, not parsed")
  void aCaFileOverOneMebibyteIsRefused(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.pem");
    Files.write(big, new byte[(1 << 20) + 1]);
    assertRefused(run(check("--ca-file", big.toString())), "larger than 1048576 bytes");
  }

  @Test
  @DisplayName("SEC-20, SEC-21: check refuses a --candidate that is a FIFO or over 64 KiB")
  void theCandidateMustBeASmallRegularFile(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir, "candidate.txt");
    assertRefused(run(check("--candidate", fifo.toString())), "--candidate", "not a regular file");
    Path big = dir.resolve("big.txt");
    Files.write(big, new byte[64 * 1024 + 1]);
    assertRefused(run(check("--candidate", big.toString())), "larger than 65536 bytes");
  }

  @Test
  @DisplayName("SEC-20: a state file that is a FIFO or a symbolic link is refused, not read")
  void aStateFileMustBeARegularFileNotALink(@TempDir Path dir) throws Exception {
    Path fifoState = dir.resolve("fifo");
    Files.createDirectories(fifoState);
    fifo(fifoState, "example.test.observation");
    List<String> args = new ArrayList<>(List.of(check()));
    args.remove("--no-state");
    args.addAll(List.of("--state-dir", fifoState.toString()));
    assertRefused(run(args.toArray(new String[0])), "example.test.observation", "not a regular file");

    Path linkState = Files.createDirectories(dir.resolve("link"));
    Path target = dir.resolve("elsewhere");
    Files.writeString(target, "id=1\nversion: STSv1\nmode: none\nmax_age: 1\n", StandardCharsets.UTF_8);
    Files.createSymbolicLink(linkState.resolve("example.test.observation"), target);
    args.set(args.size() - 1, linkState.toString());
    assertRefused(run(args.toArray(new String[0])), "is a symbolic link");
  }
}
