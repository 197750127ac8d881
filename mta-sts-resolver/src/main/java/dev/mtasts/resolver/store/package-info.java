/**
 * Where the resolver keeps fetched policies: the {@link dev.mtasts.resolver.store.PolicyStore} SPI,
 * an in-memory store and a crash-safe file store.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
@NullMarked
package dev.mtasts.resolver.store;

import org.jspecify.annotations.NullMarked;
