/**
 * DNS lookups for MTA-STS on dnsjava: {@link dev.mtasts.dns.DnsjavaLookup} implements
 * {@link dev.mtasts.core.dns.DnsLookup} and tells "no such name" and "no data" apart from "DNS is
 * failing right now" (RFC 8461 §3.1, §3.3, §5.1). See {@link dev.mtasts.dns.DnsjavaLookup} for a
 * usage example, the defaults and the threads involved.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 */
@NullMarked
package dev.mtasts.dns;

import org.jspecify.annotations.NullMarked;
