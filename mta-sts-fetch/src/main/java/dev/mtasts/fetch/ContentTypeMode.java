package dev.mtasts.fetch;

/**
 * What to do when the policy response is not labelled {@code text/plain} (FET-9).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
 */
public enum ContentTypeMode {
  /**
   * Reject the response: the fetch fails with
   * {@link dev.mtasts.core.fetch.FetchFailure#CONTENT_TYPE}. The default, as most senders do;
   * it keeps hosts that serve user content from being used to plant a policy (SEC-5).
   */
  REQUIRE,
  /**
   * Accept the response and report a {@link dev.mtasts.core.ProblemCode#POLICY_CONTENT_TYPE}
   * warning with the policy.
   */
  WARN
}
