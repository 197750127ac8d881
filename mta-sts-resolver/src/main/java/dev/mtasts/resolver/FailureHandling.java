package dev.mtasts.resolver;

/**
 * What to do when the resolver cannot tell whether a domain has a policy, in the cases the RFC
 * leaves to the sender.
 */
public enum FailureHandling {
  /** Deliver as though the domain had no policy (opportunistic TLS). */
  DELIVER_WITHOUT_POLICY,
  /** Answer {@link PolicyResolution.Deferred}: the MTA should keep the message queued and retry. */
  DEFER
}
