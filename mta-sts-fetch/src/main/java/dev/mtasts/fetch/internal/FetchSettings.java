package dev.mtasts.fetch.internal;

import java.util.function.Function;
import java.util.concurrent.CompletionStage;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Everything one fetch needs from the fetcher that starts it.
 *
 * @param tls the TLS context: the fetcher's own (with {@link DnsIdTrustManager}) or the caller's
 * @param protocols the TLS versions enabled, TLS 1.2 and later only (FET-14)
 * @param proxy the proxy selector, or {@code null} to connect directly
 * @param resolver finds the policy host's addresses (not used through a proxy)
 * @param executor runs the blocking work of a fetch and completes its outcome
 * @param port the policy host's port: 443, other values only for tests
 * @param connectTimeout the connect timeout of each TCP connection attempt
 * @param deadline the overall deadline of a fetch
 * @param maxBodyBytes the body limit
 * @param requireTextPlain whether a media type other than {@code text/plain} fails the fetch
 *     (else it is a warning)
 * @param userAgent the {@code User-Agent} value
 * @param clock the clock that measures elapsed times
 */
public record FetchSettings(SSLContext tls, List<String> protocols, @Nullable ProxySelector proxy,
    Function<String, CompletionStage<List<InetAddress>>> resolver, Executor executor, int port,
    Duration connectTimeout, Duration deadline, int maxBodyBytes, boolean requireTextPlain, String userAgent,
    InstantSource clock) {

  /**
   * Checks the components.
   *
   * @param tls the {@code tls} component
   * @param protocols the {@code protocols} component
   * @param proxy the {@code proxy} component
   * @param resolver the {@code resolver} component
   * @param executor the {@code executor} component
   * @param port the {@code port} component
   * @param connectTimeout the {@code connectTimeout} component
   * @param deadline the {@code deadline} component
   * @param maxBodyBytes the {@code maxBodyBytes} component
   * @param requireTextPlain the {@code requireTextPlain} component
   * @param userAgent the {@code userAgent} component
   * @param clock the {@code clock} component
   */
  public FetchSettings {
    Objects.requireNonNull(tls, "tls");
    protocols = List.copyOf(protocols);
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(executor, "executor");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(clock, "clock");
  }
}
