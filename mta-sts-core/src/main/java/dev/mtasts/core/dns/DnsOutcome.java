package dev.mtasts.core.dns;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a DNS lookup: records, no such name, no records of the type, or a temporary
 * failure. Only the first three are answers; the last means "ask again later".
 *
 * @param <T> the record type: {@code String} for TXT, {@link MxRecord} for MX,
 *     {@link java.net.InetAddress} for addresses (A and AAAA)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 */
public sealed interface DnsOutcome<T>
    permits DnsOutcome.Records, DnsOutcome.NoSuchName, DnsOutcome.NoData, DnsOutcome.TemporaryFailure {

  /**
   * Returns the name that was looked up, as given.
   *
   * @return the queried name
   */
  String name();

  /**
   * The name has records of the type asked for.
   *
   * @param <T> the record type
   * @param name the queried name
   * @param records the records, at least one
   * @param cnameChain the CNAME targets followed to reach them, in order (empty when none; TXT-10)
   */
  record Records<T>(String name, List<T> records, List<String> cnameChain) implements DnsOutcome<T> {
    /**
     * Copies the lists.
     *
     * @param name the {@code name} component
     * @param records the {@code records} component
     * @param cnameChain the {@code cnameChain} component
     * @throws IllegalArgumentException if {@code records} is empty
     */
    public Records {
      Objects.requireNonNull(name, "name");
      records = List.copyOf(records);
      cnameChain = List.copyOf(cnameChain);
      if (records.isEmpty()) {
        throw new IllegalArgumentException("a Records outcome needs at least one record; use NoData");
      }
    }
  }

  /**
   * The name does not exist (NXDOMAIN), possibly at the end of a CNAME chain.
   *
   * @param <T> the record type
   * @param name the queried name
   */
  record NoSuchName<T>(String name) implements DnsOutcome<T> {
    /**
     * Validates the name.
     *
     * @param name the {@code name} component
     */
    public NoSuchName {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The name exists but has no records of the type asked for (NODATA, in either of its shapes: an
   * empty NOERROR answer, or an answer with only a CNAME whose target has none).
   *
   * @param <T> the record type
   * @param name the queried name
   */
  record NoData<T>(String name) implements DnsOutcome<T> {
    /**
     * Validates the name.
     *
     * @param name the {@code name} component
     */
    public NoData {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The lookup failed in a way that may resolve itself: keep cached policies (CAC-6, SEC-3).
   *
   * @param <T> the record type
   * @param name the queried name
   * @param reason why it failed
   * @param message a human-readable explanation
   * @param cause the underlying exception, when there is one
   */
  record TemporaryFailure<T>(String name, DnsFailure reason, String message, @Nullable Throwable cause)
      implements DnsOutcome<T> {
    /**
     * Validates the components.
     *
     * @param name the {@code name} component
     * @param reason the {@code reason} component
     * @param message the {@code message} component
     * @param cause the {@code cause} component
     */
    public TemporaryFailure {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
