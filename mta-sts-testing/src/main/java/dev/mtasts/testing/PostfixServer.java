package dev.mtasts.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * A throwaway Postfix instance for integration tests: its own configuration directory (a generated
 * {@code main.cf} and {@code master.cf}), queue and data directories in a temporary directory,
 * started with {@code postfix -c DIR start-fg} (postfix(1)) and stopped with
 * {@code postfix -c DIR stop}. Nothing listens on the network: master.cf holds only the internal
 * services (no smtpd) unless a test adds an entry; {@code inet_interfaces = loopback-only},
 * {@code chroot} off, local delivery disabled, mail submitted with {@code sendmail -C DIR}
 * (sendmail(1)). The log ({@code maillog_file = /dev/stdout}, postlogd(8)) is read as it is written, so
 * that a test waits on the line it needs ({@link #awaitLog}) rather than sleeping.
 *
 * <pre>{@code
 * try (LoopbackNameserver ns = LoopbackNameserver.start().route(domain);
 *     PostfixServer postfix = PostfixServer.builder()
 *         .nameserver(ns)
 *         .set("smtp_tls_policy_maps", "socketmap:inet:127.0.0.1:" + port + ":postfix")
 *         .set("smtp_tcp_port", Integer.toString(domain.smtpPort()))
 *         .start()) {
 *   postfix.submit("a@sender.test", "b@example.test", "Subject: hi\r\n\r\nhello\r\n");
 *   String line = postfix.awaitDelivery("b@example.test", Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>With a {@link LoopbackNameserver}, Postfix (and every smtp(8) process) runs in a private
 * mount namespace whose {@code /etc/resolv.conf} names that server, so MX and address lookups go to
 * the test's knotd. Postfix must run as root (it drops to {@code mail_owner}); when it is not
 * installed, or the test is not root, {@link Builder#start()} reports it through {@link RequiredServer}.
 * The binaries are found next to {@code $MTASTS_POSTFIX}, else {@code /usr/sbin/postfix}.
 */
public final class PostfixServer implements AutoCloseable {
  /** Environment variable naming the postfix binary; postmap, postqueue and sendmail are beside it. */
  public static final String POSTFIX_ENV = "MTASTS_POSTFIX";
  /** How long a Postfix command (postmap, postqueue, sendmail, start, stop) may take. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern DELAY_REASON = Pattern.compile(
      "\\{\"address\": \"((?:[^\"\\\\]|\\\\.)*)\"(?:, \"orig_address\": \"(?:[^\"\\\\]|\\\\.)*\")?"
          + "(?:, \"delay_reason\": \"((?:[^\"\\\\]|\\\\.)*)\")?");
  private static final Pattern QUEUE_ID = Pattern.compile("\"queue_id\": \"([0-9A-Za-z]+)\"");
  private static final Pattern LOGGED_QUEUE_ID = Pattern.compile("\\]: ([0-9A-Za-z]+): to=<");
  private static final Pattern QUEUE_NAME = Pattern.compile("\"queue_name\": \"([a-z]+)\"");
  private static volatile @Nullable Path postmapConfig;

  private final Path sbin;
  private final Path directory;
  private final Path config;
  private final ProcessLog log;
  private @Nullable Process process;

  /**
   * A message in the queue, as {@code postqueue -j} (postqueue(1), "JSON OBJECT FORMAT") shows it.
   *
   * @param queueId the queue ID
   * @param queueName {@code maildrop}, {@code incoming}, {@code active}, {@code deferred} or
   *     {@code hold}
   * @param recipients the recipients still to deliver
   */
  public record QueuedMessage(String queueId, String queueName, List<Recipient> recipients) {
    /**
     * Copies the list.
     *
     * @param queueId the {@code queueId} component
     * @param queueName the {@code queueName} component
     * @param recipients the {@code recipients} component
     */
    public QueuedMessage {
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(queueName, "queueName");
      recipients = List.copyOf(recipients);
    }
  }

  /**
   * A recipient of a queued message.
   *
   * @param address the address
   * @param delayReason why the last attempt failed, such as Postfix's TLS failure text; empty
   *     before any attempt
   */
  public record Recipient(String address, String delayReason) {
    /**
     * Checks the components.
     *
     * @param address the {@code address} component
     * @param delayReason the {@code delayReason} component
     */
    public Recipient {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(delayReason, "delayReason");
    }
  }

  /**
   * What {@code postmap -q} got from a table (postmap(1), socketmap_table(5)).
   *
   * @param status {@code OK} (found), {@code NOTFOUND}, {@code TEMP} or {@code PERM}: the
   *     socketmap reply's status as Postfix saw it
   * @param value the value when found, else the server's reason (empty when none was given)
   */
  public record Answer(String status, String value) {
    /**
     * Checks the components.
     *
     * @param status the {@code status} component
     * @param value the {@code value} component
     */
    public Answer {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(value, "value");
    }

    /**
     * Returns the answer as the socketmap server sent it.
     *
     * @return such as {@code OK secure match=mx.example.test} or {@code NOTFOUND}
     */
    @Override
    public String toString() {
      return value.isEmpty() ? status : status + " " + value;
    }
  }

  private PostfixServer(Path sbin, Path directory) {
    this.sbin = sbin;
    this.directory = directory;
    this.config = directory.resolve("etc");
    this.log = new ProcessLog("Postfix", directory.resolve("maillog"));
  }

  /**
   * Starts describing an instance.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the postfix binary.
   *
   * @return its path, or empty when Postfix is not installed
   */
  public static Optional<Path> postfix() {
    return RequiredServer.binary(POSTFIX_ENV, Path.of("/usr/sbin/postfix"), "postfix");
  }

  private static Path requireSbin() {
    Optional<Path> postfix = postfix();
    if (postfix.isEmpty()) {
      throw RequiredServer.missing("Postfix (Debian package 'postfix')",
          "install it, or set " + POSTFIX_ENV + " to the postfix binary, to run this test");
    }
    return Objects.requireNonNull(postfix.get().toAbsolutePath().getParent());
  }

  /**
   * Looks {@code key} up in {@code table} with {@code postmap -q} (postmap(1)), with a minimal
   * configuration of its own, so that no running instance is needed: the way to ask a socketmap
   * server exactly what Postfix's smtp(8) would get from {@code smtp_tls_policy_maps}.
   *
   * @param table such as {@code socketmap:inet:127.0.0.1:8461:postfix}
   * @param key such as {@code example.test}
   * @return the answer
   * @throws IOException if postmap cannot run or does not end within {@link #COMMAND_TIMEOUT}
   * @throws TestAbortedException if Postfix is not installed, unless
   *     {@code MTASTS_REQUIRE_SERVERS=1} (then {@link IllegalStateException})
   */
  public static Answer query(String table, String key) throws IOException {
    Path sbin = requireSbin();
    Path conf = postmapConfig;
    if (conf == null) {
      synchronized (PostfixServer.class) {
        conf = postmapConfig;
        if (conf == null) {
          conf = Files.createTempDirectory("mtasts-postmap-");
          // Files registered later are deleted first: the directory is registered before its file.
          conf.toFile().deleteOnExit();
          conf.resolve("main.cf").toFile().deleteOnExit();
          // The compatibility level only keeps postmap from warning about changed defaults.
          Files.writeString(conf.resolve("main.cf"), "compatibility_level = 3.6\n", StandardCharsets.US_ASCII);
          postmapConfig = conf;
        }
      }
    }
    Result r = run(List.of(sbin.resolve("postmap").toString(), "-c", conf.toString(), "-q", key, table));
    if (r.exit() == 0) {
      return new Answer("OK", r.stdout().strip());
    }
    // postmap says "not found" with exit 1 and no output; a TEMP or PERM reply is a warning with
    // the server's reason, then a fatal "query error" (dict_sockmap.c).
    Matcher m = Pattern.compile("socketmap server (temporary|permanent) error: ?(.*)").matcher(r.stderr());
    if (m.find()) {
      return new Answer(m.group(1).equals("temporary") ? "TEMP" : "PERM", m.group(2).strip());
    }
    if (r.stderr().contains("query error") || r.stderr().contains("fatal")) {
      return new Answer("TEMP", r.stderr().strip());
    }
    return new Answer("NOTFOUND", "");
  }

  /**
   * Returns the configuration directory, for {@code -c} of other Postfix commands.
   *
   * @return the directory holding main.cf and master.cf
   */
  public Path configDirectory() {
    return config;
  }

  /**
   * Submits a message with {@code sendmail -C DIR -f FROM -- TO} (sendmail(1)); pickup(8) hands it
   * to the queue manager at once.
   *
   * @param from the envelope sender
   * @param to the envelope recipient
   * @param message the message, headers and body
   * @throws IOException if sendmail fails or does not end in time
   */
  public void submit(String from, String to, String message) throws IOException {
    Result r = run(List.of(sbin.resolve("sendmail").toString(), "-C", config.toString(), "-f", from, "--", to),
        message.getBytes(StandardCharsets.UTF_8));
    if (r.exit() != 0) {
      throw new IOException("sendmail exited with " + r.exit() + ": " + r.stderr());
    }
  }

  /**
   * Returns the queue, as {@code postqueue -j} shows it.
   *
   * @return the queued messages
   * @throws IOException if postqueue fails or does not end in time
   */
  public List<QueuedMessage> queue() throws IOException {
    Result r = run(List.of(sbin.resolve("postqueue").toString(), "-c", config.toString(), "-j"));
    if (r.exit() != 0) {
      throw new IOException("postqueue -j exited with " + r.exit() + ": " + r.stderr());
    }
    List<QueuedMessage> queue = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      Matcher id = QUEUE_ID.matcher(line);
      Matcher name = QUEUE_NAME.matcher(line);
      if (!id.find() || !name.find()) {
        continue;
      }
      List<Recipient> recipients = new ArrayList<>();
      Matcher rcpt = DELAY_REASON.matcher(line);
      while (rcpt.find()) {
        recipients.add(new Recipient(unescape(rcpt.group(1)),
            rcpt.group(2) == null ? "" : unescape(rcpt.group(2))));
      }
      queue.add(new QueuedMessage(id.group(1), name.group(1), recipients));
    }
    return queue;
  }

  /** Decodes a JSON string's escapes. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 4 < s.length()) {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }

  /**
   * Asks the queue manager to attempt every deferred message now ({@code postqueue -f}).
   *
   * @throws IOException if postqueue fails or does not end in time
   */
  public void flush() throws IOException {
    Result r = run(List.of(sbin.resolve("postqueue").toString(), "-c", config.toString(), "-f"));
    if (r.exit() != 0) {
      throw new IOException("postqueue -f exited with " + r.exit() + ": " + r.stderr());
    }
  }

  /**
   * Waits for a log line, already written or to come.
   *
   * @param match which line
   * @param timeout the longest wait
   * @return the first matching line
   * @throws IOException if no such line is logged in time (the log is in the message)
   */
  public String awaitLog(Predicate<String> match, Duration timeout) throws IOException {
    return log.await(match, timeout);
  }

  /**
   * Waits until smtp(8) logs the outcome of an attempt for a recipient: a line with
   * {@code to=<RECIPIENT>} and {@code status=} ({@code sent}, {@code deferred} or
   * {@code bounced}).
   *
   * @param recipient the envelope recipient
   * @param timeout the longest wait
   * @return the log line
   * @throws IOException if no attempt is logged in time
   */
  public String awaitDelivery(String recipient, Duration timeout) throws IOException {
    String to = "to=<" + recipient + ">";
    return awaitLog(l -> l.contains(to) && l.contains(" status="), timeout);
  }

  /**
   * Waits until an attempt for {@code recipient} is deferred and the queue manager has moved the
   * message to the {@code deferred} queue, then returns it as {@code postqueue -j} shows it. The
   * move is seen on an inotify event (a {@link WatchService} on the unhashed deferred directory:
   * {@code hash_queue_names = defer}), not by polling: smtp(8) logs the deferral before
   * qmgr(8) moves the file.
   *
   * @param recipient the envelope recipient
   * @param timeout the longest wait, for both steps
   * @return the deferred message, with its delay reason
   * @throws IOException if the attempt did not end in a deferral, or the move is not seen in time
   */
  public QueuedMessage awaitDeferred(String recipient, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path deferred = directory.resolve("queue").resolve("deferred");
    try (WatchService watch = deferred.getFileSystem().newWatchService()) {
      // Registered before the log is read, so that no move can happen unseen in between.
      deferred.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      String line = awaitDelivery(recipient, timeout);
      Matcher id = LOGGED_QUEUE_ID.matcher(line);
      if (!line.contains("status=deferred") || !id.find()) {
        throw new IOException("the attempt was not deferred: " + line);
      }
      Path file = deferred.resolve(id.group(1));
      while (!Files.exists(file)) {
        WatchKey key = watch.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (key == null) {
          throw new IOException(id.group(1) + " did not reach the deferred queue within " + timeout.toSeconds()
              + " s\n--- log ---\n" + log());
        }
        key.pollEvents();
        key.reset();
      }
      for (QueuedMessage m : queue()) {
        if (m.queueId().equals(id.group(1))) {
          return m;
        }
      }
      throw new IOException(id.group(1) + " left the deferred queue at once");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a deferral", e);
    }
  }

  /**
   * Returns what Postfix has logged so far.
   *
   * @return the log text
   */
  public String log() {
    return log.text();
  }

  /** Stops Postfix ({@code postfix stop}, then SIGKILL to what is left) and deletes its directory. */
  @Override
  public void close() {
    Process p = process;
    if (p != null) {
      try {
        run(List.of(sbin.resolve("postfix").toString(), "-c", config.toString(), "stop"));
        if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          kill(p);
        }
      } catch (IOException e) {
        kill(p);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    TempDirs.delete(directory);
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** What a command printed and how it ended. */
  record Result(int exit, String stdout, String stderr) {}

  static Result run(List<String> command) throws IOException {
    return run(command, new byte[0]);
  }

  static Result run(List<String> command, byte[] stdin) throws IOException {
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    try (var in = p.getOutputStream()) {
      in.write(stdin);
    }
    try {
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT.toSeconds() + " s");
      }
      return new Result(p.exitValue(),
          new String(out.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8),
          new String(err.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("reading the output of " + command.get(0) + " failed", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Options of a {@link PostfixServer}; each may be set once. */
  public static final class Builder {
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final List<String> masterEntries = new ArrayList<>();
    private final Map<String, Integer> destinationPorts = new LinkedHashMap<>();
    private @Nullable LoopbackNameserver nameserver;

    private Builder() {}

    /**
     * Sets a main.cf parameter (postconf(5)), after the launcher's own, so that it wins over them.
     *
     * @param name such as {@code smtp_tls_policy_maps}
     * @param value its value
     * @return this builder
     * @throws IllegalStateException if {@code name} is already set
     */
    public Builder set(String name, String value) {
      if (!name.matches("[A-Za-z0-9_]+") || value.contains("\n")) {
        throw new IllegalArgumentException("not a main.cf parameter: " + name);
      }
      if (parameters.putIfAbsent(name, value) != null) {
        throw new IllegalStateException(name + " is already set");
      }
      return this;
    }

    /**
     * Adds a master.cf line (master(5)), such as an smtpd listener on a loopback port.
     *
     * @param line the service entry
     * @return this builder
     */
    public Builder masterEntry(String line) {
      masterEntries.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /**
     * Delivers mail for {@code domain} to port {@code port} of its MX hosts, such as a
     * {@link FakeDomain}'s {@link FakeDomain#smtpPort()}: a transport_maps entry (transport(5))
     * names a copy of the smtp(8) service with {@code -o smtp_tcp_port=PORT}, so that each
     * domain of a test has its own port while the next hop stays the domain (MX lookup and TLS
     * policy lookup unchanged).
     *
     * @param domain the recipient domain
     * @param port the SMTP port of its MX hosts
     * @return this builder
     */
    public Builder destinationPort(String domain, int port) {
      if (!domain.matches("[A-Za-z0-9.-]+") || port < 1 || port > 65_535) {
        throw new IllegalArgumentException("not a domain and port: " + domain + ":" + port);
      }
      if (destinationPorts.putIfAbsent(domain.toLowerCase(java.util.Locale.ROOT), port) != null) {
        throw new IllegalStateException("a port for " + domain + " is already set");
      }
      return this;
    }

    /**
     * Resolves names through a {@link LoopbackNameserver}: Postfix runs in a private mount
     * namespace whose {@code /etc/resolv.conf} names it.
     *
     * @param ns the name server
     * @return this builder
     */
    public Builder nameserver(LoopbackNameserver ns) {
      if (nameserver != null) {
        throw new IllegalStateException("nameserver is already set");
      }
      this.nameserver = Objects.requireNonNull(ns, "ns");
      return this;
    }

    /**
     * Writes the configuration, starts Postfix and waits until master(8) says it started.
     *
     * @return the running instance
     * @throws IOException if it does not start in time (its log is in the message)
     * @throws TestAbortedException if Postfix is not installed or the test is not root, unless
     *     {@code MTASTS_REQUIRE_SERVERS=1} (then {@link IllegalStateException})
     */
    public PostfixServer start() throws IOException {
      Path sbin = requireSbin();
      UserPrincipalLookupService users = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
      if (!"root".equals(System.getProperty("user.name"))) {
        throw RequiredServer.missing("root (a Postfix instance starts as root and drops to 'postfix')",
            "run the test as root, as CI does");
      }
      Path dir = Files.createTempDirectory("mtasts-postfix-");
      // The postfix user must reach its queue below the temporary directory.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      PostfixServer server = new PostfixServer(sbin, dir);
      try {
        Files.createDirectories(server.config);
        Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setOwner(data, users.lookupPrincipalByName("postfix"));
        Files.writeString(server.config.resolve("main.cf"), mainCf(dir), StandardCharsets.UTF_8);
        Files.writeString(server.config.resolve("master.cf"), masterCf(), StandardCharsets.UTF_8);
        List<String> command = List.of(sbin.resolve("postfix").toString(), "-c", server.config.toString(), "start-fg");
        LoopbackNameserver ns = nameserver;
        if (ns != null) {
          command = ns.isolate(command);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        server.process = p;
        server.log.follow(p.getInputStream());
        server.awaitLog(l -> l.contains("daemon started") || l.contains("fatal"), COMMAND_TIMEOUT);
        if (!p.isAlive() || server.log().contains("fatal")) {
          throw new IOException("Postfix did not start\n--- log ---\n" + server.log());
        }
        return server;
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    }

    private String mainCf(Path dir) {
      // In main.cf the last definition of a parameter wins: the test's parameters come last.
      // hash_queue_names = defer puts deferred files directly in queue/deferred, so that
      // awaitDeferred watches one directory (an empty list makes "postfix check" fail).
      StringBuilder s = new StringBuilder("""
          # Written by dev.mtasts.testing.PostfixServer
          compatibility_level = 3.6
          queue_directory = %1$s/queue
          data_directory = %1$s/data
          mail_owner = postfix
          setgid_group = postdrop
          inet_interfaces = loopback-only
          inet_protocols = ipv4
          myhostname = postfix.sender.test
          mydestination =
          relayhost =
          alias_maps =
          alias_database =
          local_transport = error:local delivery is disabled
          maillog_file = /dev/stdout
          smtp_tls_loglevel = 1
          hash_queue_names = defer
          """.formatted(dir));
      if (!destinationPorts.isEmpty()) {
        s.append("transport_maps = inline:{");
        int n = 0;
        for (String domain : destinationPorts.keySet()) {
          s.append(n == 0 ? "" : ", ").append(domain).append("=smtp_port").append(n++).append(':');
        }
        s.append("}\n");
      }
      parameters.forEach((k, v) -> s.append(k).append(" = ").append(v).append('\n'));
      return s.toString();
    }

    private String masterCf() {
      // chroot (5th column) is "n" everywhere: the throwaway directory holds no chroot jail.
      StringBuilder s = new StringBuilder("""
          pickup    unix  n       -       n       60      1       pickup
          cleanup   unix  n       -       n       -       0       cleanup
          qmgr      unix  n       -       n       300     1       qmgr
          rewrite   unix  -       -       n       -       -       trivial-rewrite
          bounce    unix  -       -       n       -       0       bounce
          defer     unix  -       -       n       -       0       bounce
          trace     unix  -       -       n       -       0       bounce
          verify    unix  -       -       n       -       1       verify
          flush     unix  n       -       n       1000?   0       flush
          proxymap  unix  -       -       n       -       -       proxymap
          smtp      unix  -       -       n       -       -       smtp
          relay     unix  -       -       n       -       -       smtp
          showq     unix  n       -       n       -       -       showq
          error     unix  -       -       n       -       -       error
          retry     unix  -       -       n       -       -       error
          discard   unix  -       -       n       -       -       discard
          tlsmgr    unix  -       -       n       1000?   1       tlsmgr
          anvil     unix  -       -       n       -       1       anvil
          scache    unix  -       -       n       -       1       scache
          postlog   unix-dgram n  -       n       -       1       postlogd
          """);
      int n = 0;
      for (int port : destinationPorts.values()) {
        s.append("smtp_port").append(n++).append(" unix  -       -       n       -       -       smtp -o smtp_tcp_port=")
            .append(port).append('\n');
      }
      masterEntries.forEach(e -> s.append(e).append('\n'));
      return s.toString();
    }
  }

  @Override
  public String toString() {
    return "PostfixServer[" + config + "]";
  }
}
