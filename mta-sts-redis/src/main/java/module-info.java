/**
 * A shared {@link dev.mtasts.resolver.store.PolicyStore} on Redis for several MTAs (RFC 8461 §5.1):
 * {@link dev.mtasts.redis.RedisPolicyStore}, on Lettuce's asynchronous API.
 *
 * <p>Lettuce appears only in {@link dev.mtasts.redis.RedisPolicyStore.Builder#client}; every other
 * signature uses the resolver's and the JDK's types.
 */
module dev.mtasts.redis {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.resolver;
  requires transitive lettuce.core;
  requires org.slf4j;

  exports dev.mtasts.redis;
}
