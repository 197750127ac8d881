package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.tlsrpt.internal.IpAddresses;
import dev.mtasts.tlsrpt.internal.Texts;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one TLS session (or one attempt to apply a policy): a success that complied
 * with the policy, or a failure with its RFC 8460 result type and details.
 *
 * <pre>{@code
 * recorder.record(policy, SessionOutcome.success());
 * recorder.record(policy, SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
 *     .sendingMtaIp(localAddress)
 *     .receivingMxHostname("mx1.example.com")
 *     .receivingIp(remoteAddress)
 *     .failureReasonCode("X509_V_ERR_CERT_HAS_EXPIRED")
 *     .build());
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3">RFC 8460 §4.3</a>
 */
public sealed interface SessionOutcome permits SessionOutcome.Success, SessionOutcome.Failure {

  /**
   * Returns the outcome of a session that negotiated TLS and complied with the policy; such
   * sessions make up {@code total-successful-session-count} (RPT-12).
   *
   * @return the success outcome
   */
  static Success success() {
    return Success.INSTANCE;
  }

  /**
   * Starts building a failure.
   *
   * @param resultType the RFC 8460 result type
   * @return a builder
   */
  static Failure.Builder failure(TlsRptResultType resultType) {
    return new Failure.Builder(resultType);
  }

  /**
   * Returns the failure of a policy fetch (APP-7): the result type of its
   * {@link FetchFailure} ({@code sts-policy-fetch-error}, {@code sts-webpki-invalid} or
   * {@code sts-policy-invalid}) and a {@code failure-reason-code} naming the reason, such as
   * {@code "timeout"} or {@code "http-status-404"}.
   *
   * @param failed the failed fetch
   * @return the failure outcome
   */
  static Failure policyFetchFailure(PolicyFetchOutcome.Failed failed) {
    String code = failed.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (failed.reason() == FetchFailure.HTTP_STATUS && failed.status() > 0) {
      code = code + "-" + failed.status();
    }
    return failure(failed.resultType()).failureReasonCode(code).build();
  }

  /**
   * A session that complied with the policy.
   */
  record Success() implements SessionOutcome {
    private static final Success INSTANCE = new Success();
  }

  /**
   * A failed session and the details of the failure, which are the key of one
   * {@code failure-details} entry: sessions whose failures are equal are counted together.
   *
   * <p>Addresses are kept in their canonical text form (dotted decimal, RFC 5952), host names in
   * lower-case A-label form. Free text ({@code receiving-mx-helo}, {@code failure-reason-code}) is
   * cleaned and cut to 255 characters, since it may come from the remote server. Recipient
   * addresses have no place here (SEC-11).
   *
   * @param resultType the {@code result-type}
   * @param sendingMtaIp the {@code sending-mta-ip}: the local address of the session
   * @param receivingMxHostname the {@code receiving-mx-hostname}: the MX host name tried
   * @param receivingMxHelo the {@code receiving-mx-helo}: the name the MX announced, if any
   * @param receivingIp the {@code receiving-ip}: the address of the MX connected to
   * @param failureReasonCode the {@code failure-reason-code}, such as an OpenSSL-style
   *     {@code X509_V_ERR_...} code; RFC 8460 asks for one with {@code certificate-not-trusted} and
   *     {@code validation-failure} (RPT-15)
   * @param additionalInformation the {@code additional-information} URI, if any
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
   */
  record Failure(
      TlsRptResultType resultType, @Nullable String sendingMtaIp, @Nullable String receivingMxHostname,
      @Nullable String receivingMxHelo, @Nullable String receivingIp, @Nullable String failureReasonCode,
      @Nullable String additionalInformation) implements SessionOutcome {

    /**
     * The {@code failure-reason-code} under which {@link TlsRptRecorder} counts failures once a
     * policy has reached its limit of distinct failure details for the day; such entries carry
     * only the result type and this code.
     */
    public static final String DETAIL_LIMIT_REASON_CODE = "tlsrpt-detail-limit-reached";

    /**
     * A {@code failure-reason-code} for an MX host that matches no {@code mx} pattern of the
     * policy, for which RFC 8460 has no result type (checklist h3; used with
     * {@link TlsRptResultType#VALIDATION_FAILURE}, as mox does).
     */
    public static final String MX_MISMATCH_REASON_CODE = "mtasts-policy-mx-mismatch";

    /**
     * Validates and normalizes the details.
     *
     * @param resultType the {@code resultType} component
     * @param sendingMtaIp the {@code sendingMtaIp} component
     * @param receivingMxHostname the {@code receivingMxHostname} component
     * @param receivingMxHelo the {@code receivingMxHelo} component
     * @param receivingIp the {@code receivingIp} component
     * @param failureReasonCode the {@code failureReasonCode} component
     * @param additionalInformation the {@code additionalInformation} component
     * @throws IllegalArgumentException if an address is not an IP address, the host name is not a
     *     valid host name, or {@code additionalInformation} is not an absolute URI
     */
    public Failure {
      Objects.requireNonNull(resultType, "resultType");
      sendingMtaIp = sendingMtaIp == null ? null : IpAddresses.normalize(sendingMtaIp);
      receivingIp = receivingIp == null ? null : IpAddresses.normalize(receivingIp);
      receivingMxHostname = receivingMxHostname == null ? null : Texts.hostName(receivingMxHostname);
      receivingMxHelo = cleanOrNull(receivingMxHelo);
      failureReasonCode = cleanOrNull(failureReasonCode);
      if (additionalInformation != null) {
        URI u;
        try {
          u = URI.create(additionalInformation);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("additional-information must be a URI: " + e.getMessage(), e);
        }
        if (!u.isAbsolute() || additionalInformation.length() > 2048) {
          throw new IllegalArgumentException(
              "additional-information must be an absolute URI of at most 2048 characters");
        }
      }
    }

    private static @Nullable String cleanOrNull(@Nullable String s) {
      if (s == null) {
        return null;
      }
      String c = Texts.clean(s);
      return c.isEmpty() ? null : c;
    }

    /** Returns the coarse key under which details beyond the per-policy limit are counted. */
    Failure limitKey() {
      return new Failure(resultType, null, null, null, null, DETAIL_LIMIT_REASON_CODE, null);
    }

    /**
     * Builds a {@link Failure}; each detail may be set once, and all are optional.
     */
    public static final class Builder {
      private final TlsRptResultType resultType;
      private @Nullable String sendingMtaIp;
      private @Nullable String receivingMxHostname;
      private @Nullable String receivingMxHelo;
      private @Nullable String receivingIp;
      private @Nullable String failureReasonCode;
      private @Nullable String additionalInformation;
      private final Builders.Tracker set = new Builders.Tracker();

      Builder(TlsRptResultType resultType) {
        this.resultType = Objects.requireNonNull(resultType, "resultType");
      }

      /**
       * Sets the local address of the session.
       *
       * @param address the address
       * @return this builder
       * @throws IllegalStateException if already set
       */
      public Builder sendingMtaIp(InetAddress address) {
        return sendingMtaIp(IpAddresses.format(address.getAddress()));
      }

      /**
       * Sets the local address of the session from its text form.
       *
       * @param address an IPv4 or IPv6 address literal, without brackets or zone
       * @return this builder
       * @throws IllegalArgumentException if {@code address} is not an IP address literal
       * @throws IllegalStateException if already set
       */
      public Builder sendingMtaIp(String address) {
        set.mark("sendingMtaIp");
        sendingMtaIp = IpAddresses.normalize(address);
        return this;
      }

      /**
       * Sets the address of the MX the session connected to.
       *
       * @param address the address
       * @return this builder
       * @throws IllegalStateException if already set
       */
      public Builder receivingIp(InetAddress address) {
        return receivingIp(IpAddresses.format(address.getAddress()));
      }

      /**
       * Sets the address of the MX from its text form.
       *
       * @param address an IPv4 or IPv6 address literal, without brackets or zone
       * @return this builder
       * @throws IllegalArgumentException if {@code address} is not an IP address literal
       * @throws IllegalStateException if already set
       */
      public Builder receivingIp(String address) {
        set.mark("receivingIp");
        receivingIp = IpAddresses.normalize(address);
        return this;
      }

      /**
       * Sets the MX host name, as in the MX record.
       *
       * @param host the host name; U-labels are converted to A-labels
       * @return this builder
       * @throws IllegalArgumentException if {@code host} is not a valid host name
       * @throws IllegalStateException if already set
       */
      public Builder receivingMxHostname(String host) {
        set.mark("receivingMxHostname");
        receivingMxHostname = Texts.hostName(host);
        return this;
      }

      /**
       * Sets the name the MX gave in its greeting or EHLO reply.
       *
       * @param helo the name; cleaned and cut to 255 characters
       * @return this builder
       * @throws IllegalStateException if already set
       */
      public Builder receivingMxHelo(String helo) {
        set.mark("receivingMxHelo");
        receivingMxHelo = Objects.requireNonNull(helo, "helo");
        return this;
      }

      /**
       * Sets the {@code failure-reason-code} (RPT-15).
       *
       * @param code a short code such as {@code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT}
       * @return this builder
       * @throws IllegalStateException if already set
       */
      public Builder failureReasonCode(String code) {
        set.mark("failureReasonCode");
        failureReasonCode = Objects.requireNonNull(code, "code");
        return this;
      }

      /**
       * Sets the {@code additional-information} URI.
       *
       * @param uri an absolute URI pointing to more information about the failure
       * @return this builder
       * @throws IllegalStateException if already set
       */
      public Builder additionalInformation(URI uri) {
        set.mark("additionalInformation");
        additionalInformation = uri.toString();
        return this;
      }

      /**
       * Builds the failure.
       *
       * @return the failure outcome
       * @throws IllegalArgumentException if a detail is invalid
       */
      public Failure build() {
        return new Failure(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp,
            failureReasonCode, additionalInformation);
      }
    }
  }
}
