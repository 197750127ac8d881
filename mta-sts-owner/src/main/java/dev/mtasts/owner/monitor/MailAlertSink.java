package dev.mtasts.owner.monitor;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Text;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Mails each alert over SMTP with Jakarta Mail (Angus Mail): the subject is the alert's summary,
 * the body the change, the fix and the alert's JSON (MON-39).
 *
 * <p>STARTTLS is required by default (RFC 3207): a server that does not offer it, or whose
 * certificate does not validate for the host name, gets no alert, rather than an alert in clear
 * text; {@link Builder#allowPlaintext()} lifts this for a local relay. TLS 1.2 or 1.3, the host
 * name checked. Each message is sent as one task on the given executor, bounded by the timeout for
 * the connection and each read; a failure completes the stage exceptionally (no retry: the
 * monitor's reminders are the retry).
 *
 * <p>Needs {@code org.eclipse.angus:angus-mail} at run time (an optional dependency of this
 * module).
 */
public final class MailAlertSink implements AlertSink {
  /** The most characters of a subject line. */
  public static final int MAX_SUBJECT_CHARS = 200;

  private final String host;
  private final int port;
  private final InternetAddress from;
  private final List<InternetAddress> to;
  private final Executor executor;
  private final @Nullable SSLContext ssl;
  private final boolean requireTls;
  private final Duration timeout;
  private final @Nullable String ehloName;

  private MailAlertSink(Builder b) {
    this.host = Objects.requireNonNull(b.host, "host is required");
    this.port = b.port != null ? b.port : 25;
    this.from = Objects.requireNonNull(b.from, "from is required");
    if (b.to.isEmpty()) {
      throw new IllegalArgumentException("to: at least one recipient is required");
    }
    this.to = List.copyOf(b.to);
    this.executor = Objects.requireNonNull(b.executor, "executor is required");
    this.ssl = b.ssl;
    this.requireTls = !b.plaintext;
    this.timeout = b.timeout != null ? b.timeout : Duration.ofSeconds(30);
    this.ehloName = b.ehloName;
  }

  /**
   * Returns a builder; the host, the sender, a recipient and the executor are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<Void> publish(Alert alert) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          send(alert);
          done.complete(null);
        } catch (MessagingException | RuntimeException e) {
          done.completeExceptionally(new java.io.IOException("mailing the alert to " + to + " via " + host + ":" + port
              + " failed: " + Text.message(e), e));
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private void send(Alert alert) throws MessagingException {
    Properties p = new Properties();
    String ms = Long.toString(timeout.toMillis());
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(port));
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", Boolean.toString(requireTls));
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
    if (ehloName != null) {
      p.put("mail.smtp.localhost", ehloName);
    }
    if (ssl != null) {
      p.put("mail.smtp.ssl.socketFactory", ssl.getSocketFactory());
    }
    Session session = Session.getInstance(p);
    MimeMessage m = new MimeMessage(session);
    m.setFrom(from);
    m.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
    String subject = "[mta-sts] " + alert.summary();
    m.setSubject(subject.length() > MAX_SUBJECT_CHARS ? subject.substring(0, MAX_SUBJECT_CHARS - 3) + "..." : subject,
        StandardCharsets.UTF_8.name());
    StringBuilder body = new StringBuilder(1024).append(alert.summary()).append("\n\n");
    if (alert.before() != null) {
      body.append("Before: ").append(alert.before()).append('\n');
    }
    if (alert.after() != null) {
      body.append("After:  ").append(alert.after()).append('\n');
    }
    body.append("Fix:    ").append(alert.fix()).append("\nSince:  ").append(alert.since()).append("\n\n")
        .append(AlertJson.toJson(alert)).append('\n');
    m.setText(body.toString(), StandardCharsets.UTF_8.name());
    Transport.send(m);
  }

  @Override
  public String toString() {
    return "mail to " + to;
  }

  /**
   * Configures a mail sink. Each option may be set once; recipients add up.
   */
  public static final class Builder {
    private @Nullable String host;
    private @Nullable Integer port;
    private @Nullable InternetAddress from;
    private final List<InternetAddress> to = new ArrayList<>();
    private @Nullable Executor executor;
    private @Nullable SSLContext ssl;
    private boolean plaintext;
    private @Nullable Duration timeout;
    private @Nullable String ehloName;

    private Builder() {}

    /**
     * Sets the name said in EHLO; default the local host's name as the JDK resolves it (which may
     * take a DNS lookup).
     *
     * @param name a host name or address literal
     * @return this builder
     */
    public Builder ehloName(String name) {
      this.ehloName = Builders.once(this.ehloName, name, "ehloName");
      return this;
    }

    /**
     * Sets the SMTP server (required).
     *
     * @param host its host name, checked against its certificate
     * @param port its port, such as 25 or 587
     * @return this builder
     */
    public Builder server(String host, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
      }
      this.host = Builders.once(this.host, host, "server");
      this.port = port;
      return this;
    }

    /**
     * Sets the sender (required).
     *
     * @param address an RFC 5322 address
     * @return this builder
     * @throws IllegalArgumentException if it does not parse
     */
    public Builder from(String address) {
      this.from = Builders.once(this.from, parse(address), "from");
      return this;
    }

    /**
     * Adds a recipient (at least one is required).
     *
     * @param address an RFC 5322 address
     * @return this builder
     * @throws IllegalArgumentException if it does not parse
     */
    public Builder to(String address) {
      to.add(parse(address));
      return this;
    }

    private static InternetAddress parse(String address) {
      try {
        InternetAddress a = new InternetAddress(Objects.requireNonNull(address, "address"), true);
        return a;
      } catch (jakarta.mail.internet.AddressException e) {
        throw new IllegalArgumentException("not a mail address: " + Text.quote(address), e);
      }
    }

    /**
     * Sets the executor that sends each message (required).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the TLS context, for a private CA; default the JDK's.
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.ssl = Builders.once(this.ssl, context, "sslContext");
      return this;
    }

    /**
     * Sends in clear text when the server offers no STARTTLS (for a relay on the same host only).
     *
     * @return this builder
     */
    public Builder allowPlaintext() {
      this.plaintext = true;
      return this;
    }

    /**
     * Sets the connection and read timeout; default 30 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Builders.once(this.timeout, Builders.positive(timeout, "timeout"), "timeout");
      return this;
    }

    /**
     * Builds the sink.
     *
     * @return the sink
     */
    public MailAlertSink build() {
      return new MailAlertSink(this);
    }
  }
}
