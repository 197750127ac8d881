/**
 * A policy store on Redis, shared by several MTAs: entries, the never-go-backwards save, time
 * bounds and what a reader does with a value it did not write.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
@NullMarked
package dev.mtasts.redis;

import org.jspecify.annotations.NullMarked;
