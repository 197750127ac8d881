package dev.mtasts.owner;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.tls.TlsFailure;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link SmtpProbe} found at one MX host.
 */
public sealed interface SmtpProbeOutcome {

  /**
   * Returns the host probed.
   *
   * @return the MX host name
   */
  String host();

  /**
   * The host could not be reached or did not speak SMTP in time.
   *
   * @param host the MX host
   * @param message what happened
   */
  record Unreachable(String host, String message) implements SmtpProbeOutcome {
    /**
     * Validates the components.
     *
     * @param host the {@code host} component
     * @param message the {@code message} component
     */
    public Unreachable {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The host does not offer STARTTLS, or refused it.
   *
   * @param host the MX host
   * @param response the EHLO or STARTTLS response received
   */
  record NoStartTls(String host, String response) implements SmtpProbeOutcome {
    /**
     * Validates the components.
     *
     * @param host the {@code host} component
     * @param response the {@code response} component
     */
    public NoStartTls {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(response, "response");
    }
  }

  /**
   * STARTTLS was accepted but the TLS handshake failed before a certificate could be examined.
   *
   * @param host the MX host
   * @param message what happened
   */
  record TlsFailed(String host, String message) implements SmtpProbeOutcome {
    /**
     * Validates the components.
     *
     * @param host the {@code host} component
     * @param message the {@code message} component
     */
    public TlsFailed {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The handshake completed (certificates are examined, not trusted, by the probe).
   *
   * @param host the MX host
   * @param protocol the TLS protocol negotiated, such as {@code TLSv1.3}
   * @param chain the certificates presented, leaf first
   * @param pkixFailure why the chain failed PKIX validation, or {@code null} when it is trusted
   */
  record Completed(String host, String protocol, List<CertificateSummary> chain, @Nullable TlsFailure pkixFailure)
      implements SmtpProbeOutcome {
    /**
     * Copies the chain.
     *
     * @param host the {@code host} component
     * @param protocol the {@code protocol} component
     * @param chain the {@code chain} component
     * @param pkixFailure the {@code pkixFailure} component
     * @throws IllegalArgumentException if the chain is empty
     */
    public Completed {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(protocol, "protocol");
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("a completed handshake has a certificate chain");
      }
    }

    /**
     * Returns the leaf certificate.
     *
     * @return the first certificate of the chain
     */
    public CertificateSummary leaf() {
      return chain.get(0);
    }
  }
}
