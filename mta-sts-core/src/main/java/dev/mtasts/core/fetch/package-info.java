/**
 * The HTTPS policy fetch service-provider interface: {@link dev.mtasts.core.fetch.PolicyFetcher}
 * retrieves {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} and answers with a sealed
 * {@link dev.mtasts.core.fetch.PolicyFetchOutcome} whose failures map to RFC 8460 result types.
 *
 * <p>The {@code mta-sts-fetch} module implements it on {@code java.net.http}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 */
@NullMarked
package dev.mtasts.core.fetch;

import org.jspecify.annotations.NullMarked;
