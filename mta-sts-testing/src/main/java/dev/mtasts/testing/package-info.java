/**
 * Fakes and fixtures for testing MTA-STS integrations without a network:
 * {@link dev.mtasts.testing.FakeDnsLookup}, {@link dev.mtasts.testing.FakePolicyFetcher},
 * {@link dev.mtasts.testing.ManualClock}, {@link dev.mtasts.testing.QueueingExecutor},
 * {@link dev.mtasts.testing.TestPki}, {@link dev.mtasts.testing.TestSmtpServer},
 * {@link dev.mtasts.testing.KnotServer}, {@link dev.mtasts.testing.PolicyHost} (an HTTPS policy host),
 * {@link dev.mtasts.testing.TunnelProxy} (a CONNECT proxy or a port forward) and {@link dev.mtasts.testing.ScriptedHost};
 * for Postfix integrations {@link dev.mtasts.testing.PostfixServer} (a throwaway Postfix, {@code postmap -q}),
 * {@link dev.mtasts.testing.PostfixMtaStsResolverDaemon} (Debian's {@code mta-sts-daemon}) and
 * {@link dev.mtasts.testing.LoopbackNameserver} (port 53 for programs that use the system resolver).
 */
@NullMarked
package dev.mtasts.testing;

import org.jspecify.annotations.NullMarked;
