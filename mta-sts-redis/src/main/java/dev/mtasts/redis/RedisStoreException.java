package dev.mtasts.redis;

/**
 * A {@link RedisPolicyStore} operation that did not complete: Redis was unreachable, did not answer
 * within the store's timeout, or refused the command (for example out of memory under
 * {@code maxmemory-policy noeviction}). The resolver treats it as "the store is unavailable" and
 * applies its {@code onStoreFailure} handling (CAC-6).
 *
 * <p>The message names the operation and the key; Redis's own error text in it is escaped.
 */
public final class RedisStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, already escaped
   * @param cause the underlying failure
   */
  public RedisStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
