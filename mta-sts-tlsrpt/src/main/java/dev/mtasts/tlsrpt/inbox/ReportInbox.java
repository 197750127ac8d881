package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.internal.AtomicFiles;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Text;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.ReportParseOutcome;
import dev.mtasts.tlsrpt.ReportParser;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.inbox.InboxFinding.Code;
import dev.mtasts.tlsrpt.inbox.ReceivedReport.Transport;
import dev.mtasts.tlsrpt.internal.MailReader;
import dev.mtasts.tlsrpt.internal.Mbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads the TLS-RPT reports a domain receives (RFC 8460 §5): mails from a Maildir, an mbox file or
 * single {@code .eml} files, and HTTPS submissions saved as {@code .json} or {@code .json.gz}
 * files by any web server (RPT-34). The report JSON is read by the one tolerant
 * {@link ReportParser}.
 *
 * <p>A mail is parsed with Apache James mime4j's streaming parser; the report is the first body
 * part of type {@code application/tlsrpt+gzip} or {@code application/tlsrpt+json}. Real senders'
 * quirks are tolerated and marked ({@link Code#REPORT_MEDIA_TYPE}, RPT-36): {@code application/gzip},
 * {@code application/x-gzip}, {@code application/json} and {@code application/octet-stream}
 * parts, and any part whose file name ends in {@code .json} or {@code .json.gz}; gzip or plain
 * JSON is told by the content, never by the label (RPT-29).
 *
 * <p>Checks, each a finding on the report, which is kept (the body is authoritative, RFC 8460
 * §5.6): {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} present (RPT-20), the domain
 * one of the report's policy domains (RPT-38), the submitter matching the report's contact-info
 * or organization (RPT-39), the subject of §5.3 (RPT-21), {@code multipart/report} with
 * {@code report-type=tlsrpt} (RPT-19), and the DKIM signature of §3 (RPT-22, RPT-23) when a
 * {@link DkimVerifier} is set; a mail without any {@code DKIM-Signature} field is marked
 * {@link Code#DKIM_MISSING} even without one. What a report says is checked too: absurd counts (RPT-52), an implausible or reversed {@code date-range}
 * (RPT-55, judged against {@link Builder#clock(InstantSource)}) and an invalid {@code policy-domain}
 * (RPT-56). Reports are deduplicated by sender ({@code contact-info}, else
 * {@code organization-name}) and report-id (RPT-41, RPT-54): the first copy is kept, unless a later one
 * is authenticated and the first is not.
 *
 * <p>Bounds (RPT-35), each refusing only the input that breaks it, as a {@link RejectedInput}:
 * a message (or JSON file) of at most {@link Builder#maxMessageBytes(int)} bytes (default
 * {@value #DEFAULT_MAX_MESSAGE_BYTES}), at most {@link Builder#maxParts(int)} body parts (default
 * {@value #DEFAULT_MAX_PARTS}), at most {@link Builder#maxInputs(int)} files and mbox messages
 * per read (default {@value #DEFAULT_MAX_INPUTS}), directories at most
 * {@value #MAX_DIRECTORY_DEPTH} levels deep; the report part's size and its decompressed size are
 * the {@link ReportParser}'s caps (10 MiB and 32 MiB by default), so a gzip bomb costs at most
 * 32 MiB of inflating. Symbolic links are not followed and FIFOs, sockets and devices are not
 * opened, whether given as the input or found in a directory; each is listed as rejected (RPT-53).
 *
 * <p>Instances are immutable and thread-safe; reading is synchronous on the calling thread and
 * local (DNS only through the {@link DkimVerifier}, which bounds its own time).
 */
public final class ReportInbox {
  /** The default for {@link Builder#maxMessageBytes(int)}: 16 MiB, a 10 MiB report in base64 and more. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;
  /** The default for {@link Builder#maxParts(int)}. */
  public static final int DEFAULT_MAX_PARTS = 64;
  /** The default for {@link Builder#maxInputs(int)}. */
  public static final int DEFAULT_MAX_INPUTS = 100_000;
  /** More sessions than this in one policy of one report are not believed: the report is marked (RPT-52). */
  public static final long MAX_PLAUSIBLE_SESSIONS = 1_000_000_000_000L;
  /** The longest {@code date-range} believed, in days; a longer one is marked and not counted (RPT-55). */
  public static final int MAX_DATE_RANGE_DAYS = 31;
  /** How deep a directory is walked: {@code DIR/.Folder/cur/file} is 3. */
  public static final int MAX_DIRECTORY_DEPTH = 4;

  /** RFC 8460 §5.3's subject, keywords case-sensitive (RPT-21). */
  private static final Pattern SUBJECT = Pattern.compile(
      "Report\\s+Domain:\\s+\\S+\\s+Submitter:\\s+\\S+\\s+Report-ID:\\s+<[^<>@\\s]+@[^<>@\\s]+>\\s*(\\(.*\\))?\\s*");

  private final ReportParser parser;
  private final int maxMessageBytes;
  private final int maxParts;
  private final int maxInputs;
  private final @Nullable DkimVerifier dkim;
  private final InstantSource clock;

  private ReportInbox(Builder b) {
    this.parser = b.parser != null ? b.parser : ReportParser.builder().build();
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxParts = b.maxParts;
    this.maxInputs = b.maxInputs;
    this.dkim = b.dkim;
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
  }

  /**
   * Starts building an inbox.
   *
   * @return a builder with the {@code DEFAULT_*} bounds and no DKIM verifier
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads every report under a directory (a Maildir's {@code cur} and {@code new}, Maildir++
   * folders, mbox files, {@code .eml}, {@code .json} and {@code .json.gz} files, in name order;
   * {@code tmp} directories are skipped), or a single file.
   *
   * <p>Only regular files are opened (RPT-53): a symbolic link, FIFO, socket or device, given
   * as {@code path} or found in the directory, is not opened (opening a FIFO blocks) and is listed
   * in {@link InboxResult#rejected()} with the reason.
   *
   * @param path a directory or a regular file
   * @return the reports, deduplicated, and what was skipped
   * @throws IOException if the directory cannot be listed
   */
  public InboxResult read(Path path) throws IOException {
    Collector c = new Collector();
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory()) {
      String source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
      String refused = refusal(a);
      if (refused != null) {
        c.inputs++;
        c.reject(source, refused);
      } else {
        readFile(path, source, c);
      }
      return c.result();
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(path, MAX_DIRECTORY_DEPTH, new FileVisitOption[0])) {
      files = walk.filter(p -> !p.equals(path))
          .filter(p -> !inTmp(path.relativize(p)))
          .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .limit(maxInputs + 1L)
          .toList();
    }
    for (Path f : files) {
      if (c.inputs >= maxInputs) {
        c.reject(path.toString(), "more than " + maxInputs + " inputs; the rest were not read");
        break;
      }
      String source = path.relativize(f).toString();
      String refused;
      try {
        refused = refusal(Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      } catch (IOException e) {
        refused = "cannot be read: " + Text.message(e);
      }
      if (refused != null) {
        c.inputs++;
        c.reject(source, refused);
      } else {
        readFile(f, source, c);
      }
    }
    return c.result();
  }

  /** Why a file is not opened (RPT-53), or null for a regular file. */
  private static @Nullable String refusal(BasicFileAttributes a) {
    if (a.isRegularFile()) {
      return null;
    }
    if (a.isSymbolicLink()) {
      return "is a symbolic link, which is not followed; give the file or directory it points to";
    }
    return "is not a regular file (a FIFO, socket or device), so it is not opened";
  }

  /**
   * Reads one mail message.
   *
   * @param message the raw message
   * @param source a name for it in results
   * @return the report it holds, or why it was skipped
   */
  public InboxResult readMessage(byte[] message, String source) {
    Collector c = new Collector();
    message(message, source, c);
    return c.result();
  }

  /**
   * Reads a saved HTTPS submission: the body of the POST, gzip or plain JSON (RFC 8460 §5.4).
   *
   * @param body the body
   * @param source a name for it in results
   * @return the report, or why it was skipped
   */
  public InboxResult readSubmission(byte[] body, String source) {
    Collector c = new Collector();
    submission(body, source, c);
    return c.result();
  }

  private static boolean inTmp(Path relative) {
    for (Path part : relative) {
      if (part.toString().equals("tmp")) {
        return true;
      }
    }
    return false;
  }

  private void readFile(Path file, String source, Collector c) {
    c.inputs++;
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      byte[] head = head(file);
      if (name.endsWith(".json") || name.endsWith(".json.gz")
          || (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b)
          || (head.length >= 1 && head[0] == '{')) {
        byte[] body = AtomicFiles.readRegular(file, maxMessageBytes);
        submission(Objects.requireNonNull(body, "vanished"), source, c);
      } else if (head.length == 5 && new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("From ")) {
        mbox(file, source, c);
      } else {
        byte[] message = AtomicFiles.readRegular(file, maxMessageBytes);
        message(Objects.requireNonNull(message, "vanished"), source, c);
      }
    } catch (AtomicFiles.FileTooLargeException e) {
      c.reject(source, "larger than " + maxMessageBytes + " bytes (the message cap)");
    } catch (IOException | RuntimeException e) {
      c.reject(source, "cannot be read: " + Text.message(e));
    }
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(5);
    }
  }

  private void mbox(Path file, String source, Collector c) throws IOException {
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      Mbox mbox = new Mbox(in, maxMessageBytes);
      int n = 0;
      Mbox.Message m;
      while ((m = mbox.next()) != null) {
        n++;
        String where = source + "#" + n;
        if (n > 1 && ++c.inputs > maxInputs) {
          c.reject(where, "more than " + maxInputs + " inputs; the rest were not read");
          return;
        }
        byte[] content = m.content();
        if (content == null) {
          c.reject(where, "larger than " + maxMessageBytes + " bytes (the message cap)");
        } else {
          message(content, where, c);
        }
      }
    }
  }

  private void submission(byte[] body, String source, Collector c) {
    ReportParseOutcome outcome = parser.parse(body);
    if (outcome instanceof ReportParseOutcome.Parsed p) {
      c.add(new ReceivedReport(source, Transport.HTTPS, p.report(), null, null, DkimResult.NOT_CHECKED,
          ReportChecks.findings(p.report(), p.warnings(), clock.instant()), p.warnings()));
    } else if (outcome instanceof ReportParseOutcome.Rejected r) {
      c.reject(source, r.message());
    }
  }

  /** A report part's outcome: the parse, and whether its media type was the registered one. */
  private record PartOutcome(ReportParseOutcome outcome, String mediaType, boolean registered) {}

  private void message(byte[] message, String source, Collector c) {
    if (message.length > maxMessageBytes) {
      c.reject(source, "larger than " + maxMessageBytes + " bytes (the message cap)");
      return;
    }
    List<PartOutcome> tried = new ArrayList<>();
    MailReader.Mail<PartOutcome> mail;
    try {
      mail = MailReader.read(message, maxParts, part -> {
        boolean registered = part.mediaType().equals(MailReader.TLSRPT_GZIP)
            || part.mediaType().equals(MailReader.TLSRPT_JSON);
        if (!registered && !tolerated(part.mediaType(), part.fileName())) {
          return null;
        }
        ReportParseOutcome o;
        try {
          o = parser.parse(part.content());
        } catch (IOException e) {
          o = new ReportParseOutcome.Rejected(ReportParseOutcome.RejectReason.INVALID_GZIP,
              "the part cannot be decoded: " + Text.message(e));
        }
        PartOutcome po = new PartOutcome(o, part.mediaType(), registered);
        tried.add(po);
        return o instanceof ReportParseOutcome.Parsed ? po : null;
      });
    } catch (MailReader.UnreadableMailException e) {
      c.reject(source, e.getMessage() == null ? "unreadable message" : e.getMessage());
      return;
    }
    PartOutcome found = mail.found();
    if (found == null) {
      c.reject(source, tried.isEmpty() ? "no report part (application/tlsrpt+gzip or +json) among "
          + Math.max(1, mail.parts()) + " part(s)"
          : "the report part was rejected: " + ((ReportParseOutcome.Rejected) tried.get(tried.size() - 1).outcome()).message());
      return;
    }
    ReportParseOutcome.Parsed parsed = (ReportParseOutcome.Parsed) found.outcome();
    TlsRptReport report = parsed.report();
    Map<String, String> h = mail.headers();
    List<InboxFinding> findings = new ArrayList<>();
    if (!found.registered()) {
      findings.add(new InboxFinding(Code.REPORT_MEDIA_TYPE, "the report part is " + found.mediaType()
          + ", not application/tlsrpt+gzip or application/tlsrpt+json"));
    }
    if (!mail.contentType().equals("multipart/report") || !"tlsrpt".equalsIgnoreCase(mail.reportType())) {
      findings.add(new InboxFinding(Code.NOT_MULTIPART_REPORT, "the message is " + mail.contentType()
          + (mail.reportType() == null ? "" : "; report-type=" + mail.reportType())
          + ", not multipart/report; report-type=tlsrpt"));
    }
    String domain = h.get("tls-report-domain");
    String submitter = h.get("tls-report-submitter");
    if (domain == null) {
      findings.add(new InboxFinding(Code.MISSING_REPORT_DOMAIN, "no TLS-Report-Domain header field"));
    } else if (!reportHasDomain(report, domain)) {
      findings.add(new InboxFinding(Code.REPORT_DOMAIN_MISMATCH, "TLS-Report-Domain '" + domain
          + "' is none of the report's policy domains"));
    }
    if (submitter == null) {
      findings.add(new InboxFinding(Code.MISSING_REPORT_SUBMITTER, "no TLS-Report-Submitter header field"));
    } else if (!submitterMatches(submitter, report)) {
      findings.add(new InboxFinding(Code.SUBMITTER_MISMATCH, "TLS-Report-Submitter '" + submitter
          + "' matches neither contact-info '" + report.contactInfo() + "' nor organization-name '"
          + report.organizationName() + "'"));
    }
    String subject = h.get("subject");
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      findings.add(new InboxFinding(Code.SUBJECT_FORM, subject == null ? "no Subject"
          : "the Subject '" + subject + "' is not 'Report Domain: ... Submitter: ... Report-ID: <...>'"));
    }
    DkimResult d;
    if (!h.containsKey("dkim-signature")) {
      d = new DkimResult(DkimResult.Status.NONE, null, "no DKIM-Signature header field");
    } else if (dkim != null) {
      d = dkim.verify(message);
    } else {
      d = DkimResult.NOT_CHECKED;
    }
    if (d.status() == DkimResult.Status.NONE) {
      findings.add(new InboxFinding(Code.DKIM_MISSING, "the mail is not DKIM-signed (RFC 8460 §3)"));
    } else if (d.status() == DkimResult.Status.FAIL) {
      findings.add(new InboxFinding(Code.DKIM_FAILED, "DKIM: " + d.detail()));
    }
    findings.addAll(ReportChecks.findings(report, parsed.warnings(), clock.instant()));
    c.add(new ReceivedReport(source, Transport.MAIL, report, domain, submitter, d, findings, parsed.warnings()));
  }

  private static boolean tolerated(String mediaType, @Nullable String fileName) {
    if (mediaType.equals("application/gzip") || mediaType.equals("application/x-gzip")
        || mediaType.equals("application/json") || mediaType.equals("application/octet-stream")) {
      return true;
    }
    String n = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
    return n.endsWith(".json") || n.endsWith(".json.gz");
  }

  private static String normal(String domain) {
    String d = domain.strip().toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  private static boolean reportHasDomain(TlsRptReport report, String domain) {
    String d = normal(domain);
    for (PolicyReport p : report.policies()) {
      String pd = p.policy().policyDomain();
      if (pd != null && normal(pd).equals(d)) {
        return true;
      }
    }
    return false;
  }

  /**
   * RPT-39: the submitter matches when the contact-info's domain (an address's domain or a URI's
   * host) is the submitter, a subdomain of it or a parent of it, or when the organization-name
   * contains the submitter or its second-level label ({@code google} for {@code google.com}).
   */
  static boolean submitterMatches(String submitter, TlsRptReport report) {
    String s = normal(submitter);
    if (s.isEmpty()) {
      return false;
    }
    String contact = report.contactInfo();
    if (contact != null) {
      String cd = contactDomain(contact);
      if (cd != null && (cd.equals(s) || cd.endsWith("." + s) || s.endsWith("." + cd))) {
        return true;
      }
    }
    String org = report.organizationName();
    if (org != null) {
      String o = org.toLowerCase(Locale.ROOT);
      String[] labels = s.split("\\.");
      String sld = labels.length >= 2 ? labels[labels.length - 2] : labels[0];
      return o.contains(s) || (sld.length() >= 3 && o.contains(sld));
    }
    return false;
  }

  private static @Nullable String contactDomain(String contact) {
    String c = contact.strip();
    int scheme = c.indexOf("://");
    if (scheme >= 0) {
      String rest = c.substring(scheme + 3);
      int end = 0;
      while (end < rest.length() && "/?#:".indexOf(rest.charAt(end)) < 0) {
        end++;
      }
      String host = rest.substring(0, end);
      int at = host.lastIndexOf('@');
      return normal(at >= 0 ? host.substring(at + 1) : host);
    }
    int at = c.lastIndexOf('@');
    if (at < 0) {
      return null;
    }
    String d = c.substring(at + 1);
    int stop = 0;
    while (stop < d.length() && "> ,;".indexOf(d.charAt(stop)) < 0) {
      stop++;
    }
    return normal(d.substring(0, stop));
  }

  /** Gathers the reports of one read, deduplicating by sender and report-id (RPT-41, RPT-54). */
  private static final class Collector {
    final List<ReceivedReport> reports = new ArrayList<>();
    final Map<String, Integer> byId = new HashMap<>();
    final List<RejectedInput> rejected = new ArrayList<>();
    int duplicates;
    int inputs;

    void add(ReceivedReport r) {
      String key = key(r.report());
      Integer at = byId.get(key);
      if (at == null) {
        byId.put(key, reports.size());
        reports.add(r);
        return;
      }
      duplicates++;
      if (!reports.get(at).authenticated() && r.authenticated()) {
        reports.set(at, r);
      }
    }

    void reject(String source, String reason) {
      rejected.add(new RejectedInput(source, reason));
    }

    InboxResult result() {
      return new InboxResult(reports, rejected, duplicates);
    }

    /**
     * The sender (contact-info, else organization-name) and the report-id: report-ids are only
     * unique per sender (RFC 8460 §4.4), and anyone can mail a report with another's id, so two
     * organizations' reports never replace each other (RPT-54). Without a report-id, what
     * identifies the report best: sender, period and counts.
     */
    private static String key(TlsRptReport r) {
      String org = r.organizationName();
      String contact = r.contactInfo();
      // The contact-info first: an address or URI names a sender more stably than a display name.
      String sender = contact != null && !contact.isBlank() ? "contact:" + contact.strip().toLowerCase(Locale.ROOT)
          : "org:" + (org == null ? "" : org.strip().toLowerCase(Locale.ROOT));
      return r.reportId() != null ? "id:" + sender + "|" + r.reportId()
          : "noid:" + r.organizationName() + "|" + r.contactInfo() + "|" + r.dateRange() + "|"
              + r.totalSuccessfulSessionCount() + "|" + r.totalFailureSessionCount();
    }
  }

  /** Builds a {@link ReportInbox}; each option may be set once. */
  public static final class Builder {
    private @Nullable ReportParser parser;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxParts = DEFAULT_MAX_PARTS;
    private int maxInputs = DEFAULT_MAX_INPUTS;
    private @Nullable DkimVerifier dkim;
    private @Nullable InstantSource clock;
    private final Builders.Tracker set = new Builders.Tracker();

    private Builder() {}

    /**
     * Sets the parser for the report JSON, with its size and decompression caps.
     *
     * @param parser the parser; the default is {@code ReportParser.builder().build()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder parser(ReportParser parser) {
      this.parser = Builders.once(this.parser, Objects.requireNonNull(parser, "parser"), "parser");
      return this;
    }

    /**
     * Sets the largest message, or saved submission, read (RPT-35).
     *
     * @param max bytes, at least 1024; the default is {@value ReportInbox#DEFAULT_MAX_MESSAGE_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1024
     * @throws IllegalStateException if already set
     */
    public Builder maxMessageBytes(int max) {
      set.mark("maxMessageBytes");
      maxMessageBytes = Builders.atLeast(max, 1024, "maxMessageBytes");
      return this;
    }

    /**
     * Sets the most body parts a message may have (RPT-35).
     *
     * @param max at least 1; the default is {@value ReportInbox#DEFAULT_MAX_PARTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxParts(int max) {
      set.mark("maxParts");
      maxParts = Builders.atLeast(max, 1, "maxParts");
      return this;
    }

    /**
     * Sets the most files and mbox messages read by one {@link ReportInbox#read(Path)} (RPT-35).
     *
     * @param max at least 1; the default is {@value ReportInbox#DEFAULT_MAX_INPUTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxInputs(int max) {
      set.mark("maxInputs");
      maxInputs = Builders.atLeast(max, 1, "maxInputs");
      return this;
    }

    /**
     * Sets the DKIM verifier for mailed reports (RFC 8460 §3). Without one, signed mails are
     * {@link DkimResult.Status#NOT_CHECKED} and unsigned ones {@link DkimResult.Status#NONE}.
     *
     * @param verifier the verifier
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dkimVerifier(DkimVerifier verifier) {
      this.dkim = Builders.once(this.dkim, Objects.requireNonNull(verifier, "verifier"), "dkimVerifier");
      return this;
    }

    /**
     * Sets the clock that says what "now" is when a report's {@code date-range} is judged: one
     * starting more than a day after now is marked {@link Code#DATE_RANGE_IMPLAUSIBLE} (RPT-55).
     *
     * @param clock the clock, such as a {@link Clock}; the default is {@link Clock#systemUTC()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, Objects.requireNonNull(clock, "clock"), "clock");
      return this;
    }

    /**
     * Builds the inbox.
     *
     * @return an immutable inbox
     */
    public ReportInbox build() {
      return new ReportInbox(this);
    }
  }
}
