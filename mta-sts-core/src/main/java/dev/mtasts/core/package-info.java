/**
 * The MTA-STS policy model and its parsers: {@link dev.mtasts.core.MtaStsPolicy},
 * {@link dev.mtasts.core.MxPattern}, {@link dev.mtasts.core.MtaStsRecord} and
 * {@link dev.mtasts.core.TlsRptRecord}.
 *
 * <p>Every type here is immutable and thread-safe. Parsing invalid text throws a
 * {@link dev.mtasts.core.MtaStsParseException} that lists every problem found, each with a stable
 * {@link dev.mtasts.core.ProblemCode}, a line and a column; the {@code lint} methods return the
 * same problems without throwing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461">RFC 8461</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
@NullMarked
package dev.mtasts.core;

import org.jspecify.annotations.NullMarked;
