package dev.mtasts.resolver;

/**
 * Why the resolver fetched a policy.
 */
public enum FetchReason {
  /** No valid policy was cached, or the TXT id changed (CAC-2). */
  DISCOVERY,
  /** The caller asked for a re-check before failing a message permanently (CAC-12). */
  RECHECK,
  /** The daily proactive refresh, whatever the TXT record says (CAC-8). */
  REFRESH
}
