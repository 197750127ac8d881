/**
 * The HTTPS policy fetcher: {@link dev.mtasts.fetch.HttpPolicyFetcher} retrieves
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} exactly as RFC 8461 §3.3 requires and
 * answers with a {@link dev.mtasts.core.fetch.PolicyFetchOutcome}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 */
@NullMarked
package dev.mtasts.fetch;

import org.jspecify.annotations.NullMarked;
