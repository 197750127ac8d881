package dev.mtasts.fetch.internal;

/**
 * What {@link Http1Reader} read as the body of a response.
 */
public sealed interface Body {

  /**
   * The whole body, within the limit.
   *
   * @param bytes the body
   */
  record Bytes(byte[] bytes) implements Body {}

  /**
   * The body is larger than the limit; reading stopped (or never started) there.
   *
   * @param bytes the bytes seen when reading stopped, or the declared {@code Content-Length}
   * @param declared whether {@code bytes} is the declared length rather than bytes received
   */
  record TooLarge(long bytes, boolean declared) implements Body {}
}
