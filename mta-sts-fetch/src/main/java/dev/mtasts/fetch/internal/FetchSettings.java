package dev.mtasts.fetch.internal;

import dev.mtasts.fetch.ContentTypeMode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Everything one fetch needs from the fetcher that starts it.
 *
 * @param client the HTTP client, configured by the fetcher
 * @param connectTimeout the connect timeout given to the client
 * @param deadline the overall deadline of a fetch
 * @param maxBodyBytes the body limit
 * @param contentTypeMode what to do with a media type other than {@code text/plain}
 * @param userAgent the {@code User-Agent} value
 * @param clock the clock that measures elapsed times
 * @param executor where the deadline fires, or {@code null} for the JDK's default async pool
 */
public record FetchSettings(HttpClient client, Duration connectTimeout, Duration deadline, int maxBodyBytes,
    ContentTypeMode contentTypeMode, String userAgent, InstantSource clock, @Nullable Executor executor) {

  /**
   * Checks the components.
   *
   * @param client the {@code client} component
   * @param connectTimeout the {@code connectTimeout} component
   * @param deadline the {@code deadline} component
   * @param maxBodyBytes the {@code maxBodyBytes} component
   * @param contentTypeMode the {@code contentTypeMode} component
   * @param userAgent the {@code userAgent} component
   * @param clock the {@code clock} component
   * @param executor the {@code executor} component
   */
  public FetchSettings {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(contentTypeMode, "contentTypeMode");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(clock, "clock");
  }
}
