/**
 * Tools for domain owners: {@link dev.mtasts.owner.PolicyGenerator} writes the policy file and
 * the DNS records, {@link dev.mtasts.owner.PolicyDrift} tells whether a published id and a
 * served policy are in step, and {@link dev.mtasts.owner.MtaStsChecker} checks a domain end
 * to end, reporting {@link dev.mtasts.owner.Finding}s with stable codes.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8">RFC 8461 §8</a>
 */
@NullMarked
package dev.mtasts.owner;

import org.jspecify.annotations.NullMarked;
