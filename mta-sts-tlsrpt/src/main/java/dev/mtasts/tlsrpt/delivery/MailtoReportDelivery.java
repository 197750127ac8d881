package dev.mtasts.tlsrpt.delivery;

import dev.mtasts.tlsrpt.ReportDelivery;
import dev.mtasts.tlsrpt.DeliveryOutcome;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Text;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.TlsRptRecorder;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.internal.Mime;
import dev.mtasts.tlsrpt.internal.Texts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers reports to {@code mailto:} URIs (RFC 8460 §5.3): builds the {@code multipart/report}
 * message, has the caller's {@link DkimSigner} sign it and hands it to the caller's
 * {@link ReportMailSender}.
 *
 * <p>The message has the header fields {@code From}, {@code To}, {@code Subject}, {@code Date},
 * {@code Message-ID}, {@code TLS-Report-Domain}, {@code TLS-Report-Submitter} (RPT-20),
 * {@code MIME-Version} and {@code Content-Type: multipart/report; report-type="tlsrpt"}, and two
 * parts: a {@code text/plain} description and the report as a base64
 * {@code application/tlsrpt+gzip} attachment named with the RFC 8460 §5.1 file name (RPT-19). The
 * subject is {@code Report Domain: <domain> Submitter: <submitter> Report-ID: <<report-id>>}
 * (RPT-21). The DKIM signature must not use {@code l=} (RPT-22); one that does fails the delivery.
 *
 * <p>The message is built by this class rather than with Jakarta Mail: it is about a hundred lines
 * of fixed structure, and the library stays free of a mail API dependency. The tests read the
 * messages back with Jakarta Mail.
 *
 * <pre>{@code
 * ReportDelivery mail = MailtoReportDelivery.builder()
 *     .executor(executor)
 *     .dkimSigner((message, headers) -> myDkim.sign(message, headers))
 *     .sender(message -> myMta.enqueue(message.envelopeFrom(), message.recipients(), message.content()))
 *     .build();
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 */
public final class MailtoReportDelivery implements ReportDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(MailtoReportDelivery.class);
  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private final Executor executor;
  private final ReportMailSender sender;
  private final DkimSigner signer;
  private final InstantSource clock;
  private final @Nullable String from;

  private MailtoReportDelivery(Builder b, Executor executor, ReportMailSender sender, DkimSigner signer) {
    this.executor = executor;
    this.sender = sender;
    this.signer = signer;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.from = b.from;
  }

  /**
   * Starts building a delivery.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean supports(URI rua) {
    return "mailto".equalsIgnoreCase(rua.getScheme());
  }

  @Override
  public CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua) {
    Objects.requireNonNull(report, "report");
    if (!supports(rua)) {
      throw new IllegalArgumentException("not a mailto URI: " + rua);
    }
    CompletableFuture<ReportMessage> built = CompletableFuture.supplyAsync(() -> message(report, rua), executor);
    return built
        .thenCompose(sender::send)
        .handle((ok, error) -> {
          if (error == null) {
            LOG.debug("TLS-RPT report {} handed to the mail system for {}", report.fileName(), rua);
            return (DeliveryOutcome) new DeliveryOutcome.Delivered(rua, "handed to the mail system");
          }
          Throwable e = unwrap(error);
          if (e instanceof PermanentFailure p) {
            return new DeliveryOutcome.Failed(rua, false, Text.message(p), null);
          }
          String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          return new DeliveryOutcome.Failed(rua, true, "the report mail was not sent: " + msg, e);
        });
  }

  /**
   * Builds the signed message for one {@code mailto:} URI, without sending it.
   *
   * @param report the report
   * @param rua the {@code mailto:} URI
   * @return the message
   * @throws IllegalArgumentException if the URI holds no usable ASCII address, or the DKIM
   *     signature is unusable (such as one with {@code l=})
   * @throws IllegalStateException if the signer fails
   */
  public ReportMessage buildMessage(EncodedReport report, URI rua) {
    try {
      return message(report, rua);
    } catch (PermanentFailure e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private ReportMessage message(EncodedReport report, URI rua) {
    List<String> to = recipients(rua);
    TlsRptReport r = report.report();
    String fromAddress = from != null ? from : Objects.requireNonNull(r.contactInfo(), "contact-info");
    String reportId = Objects.requireNonNull(r.reportId(), "report-id");
    String msgId = messageId(reportId, report);
    String domain = report.policyDomain().name();

    Mime mime = new Mime()
        .field("From", fromAddress)
        .field("To", String.join(", ", to))
        .field("Subject", "Report Domain: " + domain + " Submitter: " + report.submitter() + " Report-ID: " + msgId)
        .field("Date", RFC5322_DATE.format(clock.instant()))
        .field("Message-ID", msgId)
        .field(TlsRptRecorder.REPORT_DOMAIN_HEADER, domain)
        .field(TlsRptRecorder.REPORT_SUBMITTER_HEADER, report.submitter())
        .field("MIME-Version", "1.0");
    String text = description(r, report, domain);
    String boundary = "=_tlsrpt_" + report.uniqueId();
    while (text.contains(boundary)) {
      boundary = boundary + "_";
    }
    mime.field("Content-Type", "multipart/report; report-type=\"tlsrpt\"; boundary=\"" + boundary + "\"");

    StringBuilder body = new StringBuilder(report.content().length * 4 / 3 + 1024);
    body.append("This is a multipart message in MIME format.\r\n\r\n");
    body.append("--").append(boundary).append("\r\n");
    if (Text.isAscii(text)) {
      body.append("Content-Type: text/plain; charset=\"us-ascii\"\r\n");
      body.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
      body.append(Mime.crlf(text));
    } else {
      body.append("Content-Type: text/plain; charset=\"utf-8\"\r\n");
      body.append("Content-Transfer-Encoding: base64\r\n\r\n");
      body.append(Mime.base64Lines(text.getBytes(StandardCharsets.UTF_8)));
    }
    body.append("\r\n--").append(boundary).append("\r\n");
    body.append("Content-Type: ").append(report.mediaType()).append("; name=\"").append(report.fileName())
        .append("\"\r\n");
    body.append("Content-Disposition: attachment; filename=\"").append(report.fileName()).append("\"\r\n");
    body.append("Content-Transfer-Encoding: base64\r\n\r\n");
    body.append(Mime.base64Lines(report.content()));
    body.append("\r\n--").append(boundary).append("--\r\n");

    byte[] unsigned = mime.toBytes(body.toString());
    String signature;
    try {
      signature = signer.sign(unsigned, mime.fieldNames());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("DKIM signing failed: " + e.getMessage(), e);
    }
    checkSignature(signature);
    ByteArrayOutputStream out = new ByteArrayOutputStream(unsigned.length + signature.length() + 2);
    out.writeBytes(signature.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(unsigned);
    return new ReportMessage(fromAddress, to, msgId, out.toByteArray());
  }

  private static String description(TlsRptReport r, EncodedReport report, String domain) {
    DateRange range = Objects.requireNonNull(r.dateRange(), "date-range");
    return "This is an aggregate TLS report (RFC 8460) from " + r.organizationName() + " ("
        + report.submitter() + ") about TLS connections to mail servers of " + domain + ".\n"
        + "Period: " + range.start() + " to " + range.end() + "\n"
        + "Successful sessions: " + r.totalSuccessfulSessionCount() + "\n"
        + "Failed sessions: " + r.totalFailureSessionCount() + "\n"
        + "Report-ID: " + r.reportId() + "\n"
        + "The report is attached as " + report.fileName() + ".\n";
  }

  /** Uses the report-id as Message-ID when it has the id-left "@" id-right form (RPT-21). */
  private static String messageId(String reportId, EncodedReport report) {
    int at = reportId.indexOf('@');
    boolean dotAtoms = at > 0 && at == reportId.lastIndexOf('@') && at < reportId.length() - 1
        && isDotAtom(reportId.substring(0, at)) && isDotAtom(reportId.substring(at + 1));
    return "<" + (dotAtoms ? reportId : report.uniqueId() + "@" + report.submitter()) + ">";
  }

  private static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
      if (!atext) {
        return false;
      }
    }
    return true;
  }

  /** The addresses of a mailto: URI (RFC 6068): before any '?', separated by ','. */
  static List<String> recipients(URI rua) {
    String ssp = rua.getRawSchemeSpecificPart();
    int q = ssp.indexOf('?');
    String to = q < 0 ? ssp : ssp.substring(0, q);
    List<String> out = new ArrayList<>(2);
    for (String raw : to.split("(?i),|%2C", -1)) {
      String addr = decode(raw);
      if (!Texts.isAsciiAddrSpec(addr)) {
        throw new PermanentFailure("the mailto URI " + rua + " holds '" + addr
            + "', which is not an ASCII address local@domain");
      }
      out.add(addr);
    }
    return out;
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Checks the signer's header field: its name, its line structure, and no {@code l=} (RPT-22). */
  private static void checkSignature(String field) {
    int colon = field.indexOf(':');
    if (colon < 0 || !field.substring(0, colon).strip().equalsIgnoreCase("DKIM-Signature")) {
      throw new PermanentFailure("the DKIM signer returned no DKIM-Signature header field");
    }
    String value = field.substring(colon + 1);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean folding = c == '\r' && i + 2 < value.length() && value.charAt(i + 1) == '\n'
          && (value.charAt(i + 2) == ' ' || value.charAt(i + 2) == '\t');
      if (folding) {
        i++;
      } else if (c == '\r' || c == '\n' || c > 0x7e) {
        throw new PermanentFailure("the DKIM-Signature header field has a bare line break or non-ASCII text");
      }
    }
    String unfolded = value.replace("\r\n", "");
    boolean coversDomain = false;
    boolean coversSubmitter = false;
    for (String tag : unfolded.split(";")) {
      int eq = tag.indexOf('=');
      String name = (eq < 0 ? tag : tag.substring(0, eq)).strip();
      if (name.equals("l")) {
        throw new PermanentFailure("the DKIM signature uses l=, which RFC 8460 §3 forbids (RPT-22)");
      }
      if (name.equals("h") && eq >= 0) {
        for (String h : tag.substring(eq + 1).split(":")) {
          coversDomain |= h.strip().equalsIgnoreCase(TlsRptRecorder.REPORT_DOMAIN_HEADER);
          coversSubmitter |= h.strip().equalsIgnoreCase(TlsRptRecorder.REPORT_SUBMITTER_HEADER);
        }
      }
    }
    if (!coversDomain || !coversSubmitter) {
      LOG.warn("the DKIM signature does not cover TLS-Report-Domain and TLS-Report-Submitter (RFC 8460 §5.3)");
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A delivery that can never succeed, such as a URI without a usable address. */
  private static final class PermanentFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PermanentFailure(String message) {
      super(message);
    }
  }

  /**
   * Builds a {@link MailtoReportDelivery}; the executor, the sender and the DKIM signer are
   * required, each option may be set once.
   */
  public static final class Builder {
    private @Nullable Executor executor;
    private @Nullable ReportMailSender sender;
    private @Nullable DkimSigner signer;
    private @Nullable InstantSource clock;
    private @Nullable String from;
    private final Builders.Tracker set = new Builders.Tracker();

    private Builder() {}

    /**
     * Sets the executor that builds and signs messages.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      set.mark("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets what hands the messages to the mail system.
     *
     * @param sender the sender
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder sender(ReportMailSender sender) {
      set.mark("sender");
      this.sender = Objects.requireNonNull(sender, "sender");
      return this;
    }

    /**
     * Sets the DKIM signer; RFC 8460 requires emailed reports to be signed (RPT-22).
     *
     * @param signer the signer
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dkimSigner(DkimSigner signer) {
      set.mark("dkimSigner");
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Sets the clock for the {@code Date} header field.
     *
     * @param clock the clock; the default is {@link InstantSource#system()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      set.mark("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the {@code From} address and envelope sender; it must be in the DKIM signing domain.
     *
     * @param address an ASCII address {@code local@domain}; the default is the report's
     *     {@code contact-info}
     * @return this builder
     * @throws IllegalArgumentException if {@code address} is not such an address
     * @throws IllegalStateException if already set
     */
    public Builder from(String address) {
      set.mark("from");
      if (!Texts.isAsciiAddrSpec(address)) {
        throw new IllegalArgumentException("from must be an ASCII address local@domain, not '" + address + "'");
      }
      this.from = address;
      return this;
    }

    /**
     * Builds the delivery.
     *
     * @return the delivery
     * @throws IllegalStateException if the executor, the sender or the DKIM signer is missing
     */
    public MailtoReportDelivery build() {
      Executor e = executor;
      ReportMailSender s = sender;
      DkimSigner d = signer;
      if (e == null || s == null || d == null) {
        throw new IllegalStateException("executor, sender and dkimSigner are required");
      }
      return new MailtoReportDelivery(this, e, s, d);
    }
  }
}
