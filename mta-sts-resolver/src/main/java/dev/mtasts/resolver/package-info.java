/**
 * The sender side: {@link dev.mtasts.resolver.MtaStsResolver} obtains, caches, refreshes and
 * applies MTA-STS policies per RFC 8461 §3 to §5 and §10, and reports every decision to
 * {@link dev.mtasts.resolver.MtaStsListener}s.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
@NullMarked
package dev.mtasts.resolver;

import org.jspecify.annotations.NullMarked;
