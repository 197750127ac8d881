/**
 * The Postfix TLS policy server: {@link dev.mtasts.postfix.PostfixPolicyServer} answers
 * {@code smtp_tls_policy_maps} socketmap lookups (socketmap_table(5), postconf(5)) from an
 * {@link dev.mtasts.resolver.MtaStsResolver}; {@link dev.mtasts.postfix.PostfixDaemon} runs it from
 * a YAML configuration file ({@link dev.mtasts.postfix.DaemonConfig}).
 */
@NullMarked
package dev.mtasts.postfix;

import org.jspecify.annotations.NullMarked;
