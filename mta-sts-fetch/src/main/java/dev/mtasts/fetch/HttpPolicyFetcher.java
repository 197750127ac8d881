package dev.mtasts.fetch;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.fetch.internal.DnsIdTrustManager;
import dev.mtasts.fetch.internal.FetchSettings;
import dev.mtasts.fetch.internal.FetchThreads;
import dev.mtasts.fetch.internal.MonotonicClock;
import dev.mtasts.fetch.internal.PolicyFetch;
import dev.mtasts.fetch.internal.UserAgent;
import java.net.ProxySelector;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Fetches MTA-STS policies over HTTPS exactly as RFC 8461 §3.3 requires, with its own small,
 * strict HTTP/1.1 client on a TLS socket: one connection per fetch, closed the moment the
 * outcome is decided.
 *
 * <ul>
 *   <li>GET {@code https://mta-sts.<A-label domain>/.well-known/mta-sts.txt} (FET-1) with
 *       {@code Connection: close}, over TLS 1.2 or later (FET-14) with SNI naming the policy host
 *       (FET-5) and ALPN offering {@code http/1.1} only: a server that insists on HTTP/2 fails the
 *       handshake.
 *   <li>The policy host's addresses come from the {@linkplain Builder#addressResolver
 *       address resolver} (by default the JDK's resolver); they are tried in order,
 *       happy-eyeballs style (a new attempt every 250 ms or as soon as one fails, RFC 8305 §5),
 *       all within the one deadline. Only the TCP connection uses an address: SNI, {@code Host}
 *       and the certificate check always use the name. Through a {@linkplain Builder#proxy proxy}
 *       the proxy resolves the name instead ({@code CONNECT} tunnel, TLS end to end).
 *   <li>PKIX validation by the configured trust manager (by default the JDK's trust store), then
 *       the name {@code mta-sts.<domain>} checked against DNS-IDs only, never the common name,
 *       with a wildcard only as the whole left-most label (FET-2, FET-3, FET-15); see
 *       {@link dev.mtasts.core.tls.CertificateNames}. A refused certificate aborts the handshake, so no
 *       request is ever sent to such a host. Revocation is not checked unless the trust manager
 *       does (FET-4).
 *   <li>A full TLS handshake on every fetch, so the certificate validated and reported
 *       ({@link PolicyFetchOutcome.Fetched#certificate()}) is the one the policy host presents at
 *       that fetch (RFC 8461 §3.3, FET-40, FET-41): no TLS session is resumed. Each fetch's
 *       session is invalidated when its connection ends, which removes it, and the TLS 1.3
 *       tickets received on it, from the client session cache of the context, the fetcher's own
 *       or a {@linkplain Builder#sslContext configured} one. A resumed session would run no
 *       trust manager and report the earlier session's certificate (RFC 8446 §2.2) for up to the
 *       JDK's 24-hour session timeout: a renewed, expired or replaced certificate would go
 *       unnoticed by a long-lived fetcher (a monitor's, a resolver's). The cost is a full
 *       handshake per fetch, which a fetch at most every few hours per domain does not notice.
 *       Only a fetch that starts while another fetch of the same host is still in progress may
 *       resume that fetch's session, validated moments before.
 *   <li>Redirects are never followed (FET-7), only status 200 is accepted (FET-6), and the media
 *       type must be {@code text/plain} ({@link ContentTypeMode}, FET-9).
 *   <li>No HTTP caching of any kind (FET-8): there is no cache, no conditional header
 *       ({@code If-None-Match}, {@code If-Modified-Since}) is ever sent, and
 *       {@code Cache-Control}, {@code Expires} and {@code ETag} in responses are ignored.
 *   <li>Bounded (FET-10, SEC-8): a connect timeout per attempt, and an overall deadline that
 *       covers resolution, connect, TLS, headers <em>and</em> body; when it passes, every socket
 *       of the fetch is closed. The status line and header section are capped at 8 KiB and 100
 *       fields, {@code Content-Length} must be plain digits, chunked bodies are read with bounded
 *       chunk-size lines and trailers, and the body is capped while it streams, never buffered
 *       past the cap (see {@code dev.mtasts.fetch.internal.Http1Reader} for every cap).
 *   <li>Network text in messages (status lines, header values, {@code Location}, certificate
 *       names) is escaped with {@link dev.mtasts.core.SafeText}.
 * </ul>
 *
 * <p>Every failure completes the stage normally with a {@link PolicyFetchOutcome.Failed} whose
 * {@link dev.mtasts.core.fetch.FetchFailure} maps to an RFC 8460 result type; only an
 * {@link Error} completes it exceptionally. A malformed response is an
 * {@link dev.mtasts.core.fetch.FetchFailure#IO_ERROR}.
 *
 * <pre>{@code
 * HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder()
 *     .deadline(Duration.ofSeconds(30))
 *     .build();
 * fetcher.fetch(PolicyDomain.of("example.com")).thenAccept(outcome -> {
 *   if (outcome instanceof PolicyFetchOutcome.Fetched f) {
 *     use(f.policy());
 *   } else if (outcome instanceof PolicyFetchOutcome.Failed f) {
 *     report(f.resultType(), f.message()); // e.g. sts-webpki-invalid
 *   }
 * });
 * }</pre>
 *
 * <p>Why a blocking {@link javax.net.ssl.SSLSocket} rather than {@code java.net.http.HttpClient}
 * or an {@link javax.net.ssl.SSLEngine}: {@code HttpClient} cannot connect to an address the
 * caller chose, and over HTTP/2 ending a fetch only resets a stream on a pooled connection that
 * a hostile host can keep streaming on. A socket per fetch makes "the fetch ended" and "the
 * connection is closed" the same event, and closing it from any thread unblocks the reader at
 * once; an {@code SSLEngine} would need a selector loop (a hidden thread) for no gain at one
 * small body per connection.
 *
 * <p>Instances are immutable and thread-safe; build one and share it. Threads: all blocking
 * work (the default resolver, each connection attempt, the handshake and the exchange) runs on
 * the configured {@linkplain Builder#executor(Executor) executor}, which should allow a few
 * blocking tasks at once; the deadline and the 250 ms attempt stagger are timed by the JDK's
 * {@link java.util.concurrent.CompletableFuture#delayedExecutor delayed executor} (the deadline
 * closes the sockets on its thread and completes the outcome on the executor). Outcomes complete
 * on executor threads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 */
public final class HttpPolicyFetcher implements PolicyFetcher {
  /** The default connect timeout of each connection attempt: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The default overall deadline: 1 minute, as RFC 8461 §3.3 suggests (FET-10). */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(1);

  /** HTTPS: RFC 8461 §3.3 names no other port. */
  private static final int DEFAULT_PORT = 443;

  private final FetchSettings settings;
  private final ContentTypeMode contentTypeMode;

  private HttpPolicyFetcher(FetchSettings settings, ContentTypeMode contentTypeMode) {
    this.settings = settings;
    this.contentTypeMode = contentTypeMode;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder with every option at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a fetcher with every option at its default: the JDK's trust store, resolver and
   * proxy selector, a 10-second connect timeout, a 1-minute deadline, a 64 KiB body cap and
   * {@code text/plain} required.
   *
   * @return a new fetcher
   */
  public static HttpPolicyFetcher create() {
    return builder().build();
  }

  /**
   * Returns the {@code User-Agent} sent unless another is configured.
   *
   * @return {@code mta-sts-java/<version>}
   */
  public static String defaultUserAgent() {
    return UserAgent.defaultValue();
  }

  /**
   * Fetches the policy of {@code domain}; see the class description for every rule applied.
   *
   * @param domain the Policy Domain
   * @return the outcome; completes normally for every network, TLS, HTTP and parse failure
   * @throws NullPointerException if {@code domain} is null
   */
  @Override
  public CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    return PolicyFetch.start(settings, domain).minimalCompletionStage();
  }

  /**
   * Returns the connect timeout.
   *
   * @return the configured or default value
   */
  public Duration connectTimeout() {
    return settings.connectTimeout();
  }

  /**
   * Returns the overall deadline of one fetch.
   *
   * @return the configured or default value
   */
  public Duration deadline() {
    return settings.deadline();
  }

  /**
   * Returns the body cap.
   *
   * @return the largest body accepted, in bytes
   */
  public int maxBodyBytes() {
    return settings.maxBodyBytes();
  }

  /**
   * Returns what happens to a response that is not {@code text/plain}.
   *
   * @return the configured or default mode
   */
  public ContentTypeMode contentTypeMode() {
    return contentTypeMode;
  }

  /**
   * Returns the {@code User-Agent} header value sent.
   *
   * @return the configured or default value
   */
  public String userAgent() {
    return settings.userAgent();
  }

  /** For tests: the TLS versions enabled. */
  List<String> tlsProtocols() {
    return settings.protocols();
  }

  @Override
  public String toString() {
    return "HttpPolicyFetcher[connectTimeout=" + settings.connectTimeout() + ", deadline="
        + settings.deadline() + ", maxBodyBytes=" + settings.maxBodyBytes() + ", contentTypeMode="
        + contentTypeMode + ", userAgent=" + settings.userAgent() + "]";
  }

  /**
   * Configures an {@link HttpPolicyFetcher}. Every option may be set at most once; setters
   * check their argument at once and throw for a bad value or a second call.
   */
  public static final class Builder {
    private @Nullable Duration connectTimeout;
    private @Nullable Duration deadline;
    private int maxBodyBytes = -1;
    private @Nullable ContentTypeMode contentTypeMode;
    private @Nullable ProxySelector proxy;
    private @Nullable X509TrustManager trustManager;
    private @Nullable SSLContext sslContext;
    private @Nullable Executor executor;
    private @Nullable InstantSource clock;
    private @Nullable String userAgent;
    private @Nullable AddressResolver resolver;
    private int port = DEFAULT_PORT;

    private Builder() {}

    /**
     * Sets the connect timeout of each TCP connection attempt (to an address of the policy host,
     * or to the proxy). The overall {@linkplain #deadline(Duration) deadline} applies on top.
     *
     * @param timeout a positive duration; default {@link HttpPolicyFetcher#DEFAULT_CONNECT_TIMEOUT}
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if the connect timeout was already set
     */
    public Builder connectTimeout(Duration timeout) {
      connectTimeout = Builders.positive(Builders.once(connectTimeout, timeout, "connectTimeout"), "connectTimeout");
      return this;
    }

    /**
     * Sets the overall deadline of one fetch: address resolution, every connection attempt, the
     * TLS handshake, request, headers and the whole body. When it passes every socket of the
     * fetch is closed and the fetch fails with
     * {@link dev.mtasts.core.fetch.FetchFailure#TIMEOUT} (FET-10).
     *
     * @param deadline a positive duration; default {@link HttpPolicyFetcher#DEFAULT_DEADLINE}
     * @return this builder
     * @throws IllegalArgumentException if {@code deadline} is zero or negative
     * @throws IllegalStateException if the deadline was already set
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Builders.positive(Builders.once(this.deadline, deadline, "deadline"), "deadline");
      return this;
    }

    /**
     * Sets the largest body accepted. A larger body fails the fetch with
     * {@link dev.mtasts.core.fetch.FetchFailure#BODY_TOO_LARGE} as soon as its declared length or
     * the bytes received pass the cap (FET-10).
     *
     * @param bytes from 1 to {@link MtaStsPolicy#MAX_BODY_BYTES} (the default), which is also the
     *     most a policy may have
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     * @throws IllegalStateException if the cap was already set
     */
    public Builder maxBodyBytes(int bytes) {
      if (maxBodyBytes != -1) {
        throw new IllegalStateException("the body cap was already set to " + maxBodyBytes + " bytes");
      }
      if (bytes < 1 || bytes > MtaStsPolicy.MAX_BODY_BYTES) {
        throw new IllegalArgumentException("the body cap must be from 1 to " + MtaStsPolicy.MAX_BODY_BYTES
            + " bytes: " + bytes);
      }
      maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets what happens to a response whose media type is not {@code text/plain}.
     *
     * @param mode the mode; default {@link ContentTypeMode#REQUIRE}
     * @return this builder
     * @throws IllegalStateException if the mode was already set
     */
    public Builder contentTypeMode(ContentTypeMode mode) {
      contentTypeMode = Builders.once(contentTypeMode, mode, "contentTypeMode");
      return this;
    }

    /**
     * Sets the proxy selector. HTTPS goes through an HTTP proxy as a {@code CONNECT} tunnel, so
     * TLS, SNI and the certificate check are still end to end with the policy host.
     *
     * <p>The first {@link java.net.Proxy.Type#HTTP} proxy the selector returns for the policy URI
     * is used; {@code DIRECT}, or only SOCKS proxies, mean a direct connection. The
     * {@linkplain #addressResolver address resolver} is not used through a proxy, which resolves
     * the name itself.
     *
     * @param selector the selector, such as {@link ProxySelector#of(java.net.InetSocketAddress)}
     *     ({@code ProxySelector.of(null)} for no proxy); default: the JDK's
     *     {@link ProxySelector#getDefault()}, which follows the {@code https.proxyHost} system
     *     properties
     * @return this builder
     * @throws IllegalStateException if the proxy was already set
     */
    public Builder proxy(ProxySelector selector) {
      proxy = Builders.once(proxy, selector, "proxy");
      return this;
    }

    /**
     * Sets the trust manager that validates the policy host's chain (PKIX); the fetcher adds
     * the DNS-ID name check itself. Use it to trust a private root, or to enable revocation
     * checking (FET-4) with a trust manager built from {@code PKIXBuilderParameters}.
     *
     * @param trustManager the trust manager; default: the JDK's default trust store. Should be
     *     an {@link javax.net.ssl.X509ExtendedTrustManager} (as the JDK's are) so that TLS
     *     algorithm constraints and stapled OCSP responses are taken into account
     * @return this builder
     * @throws IllegalStateException if a trust manager or an SSL context was already set
     */
    public Builder trustManager(X509TrustManager trustManager) {
      Builders.once(this.trustManager, trustManager, "trustManager");
      if (sslContext != null) {
        throw new IllegalStateException("an SSLContext was already set; set either a trust manager or an SSLContext");
      }
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Replaces the TLS context entirely, for a provider or settings the fetcher cannot build
     * itself. The fetcher cannot wrap the trust manager of a given context, so it checks the
     * DNS-ID rule itself right after the handshake, before any request is sent (a certificate
     * valid only by its common name fails with
     * {@link dev.mtasts.core.fetch.FetchFailure#CERTIFICATE_NAME_MISMATCH}); certificate failures
     * are classified from the exceptions JSSE throws, without the refused certificate. Prefer
     * {@link #trustManager(X509TrustManager)} when only the trusted roots differ.
     *
     * <p>The context's client session cache is used as with the fetcher's own context: each
     * fetch invalidates its session when its connection ends, so no later connection made with
     * the context (the fetcher's or another user's) resumes it, and every fetch validates the
     * certificate presented then (RFC 8461 §3.3, FET-40).
     *
     * @param context an initialized context supporting TLS 1.2 or 1.3
     * @return this builder
     * @throws IllegalArgumentException if the context supports neither TLS 1.2 nor TLS 1.3
     * @throws IllegalStateException if an SSL context or a trust manager was already set
     */
    public Builder sslContext(SSLContext context) {
      Builders.once(sslContext, context, "sslContext");
      if (trustManager != null) {
        throw new IllegalStateException("a trust manager was already set; set either a trust manager or an SSLContext");
      }
      Objects.requireNonNull(context, "context");
      allowedProtocols(context);
      sslContext = context;
      return this;
    }

    /**
     * Sets the executor that runs the blocking work of each fetch (the default resolver, each
     * connection attempt, the handshake and the exchange) and completes the outcomes. A fetch
     * holds one of its threads while it connects and reads, plus one per extra connection
     * attempt during the 250 ms stagger. So at most as many fetches run at once as the executor
     * has threads: a small fixed pool shared with other work (a resolver's two workers, say)
     * caps fetch concurrency at its size, and fetches wait for a thread (their deadline
     * running). Give the fetcher its own pool sized for the fetches in flight, or keep the
     * default. A direct executor ({@code Runnable::run}) makes {@link #fetch} block its caller.
     *
     * @param executor the executor; default: a pool of daemon threads named
     *     {@code mta-sts-fetch-N} shared by every fetcher, created on demand without a bound (like
     *     {@code HttpClient}'s default pool) and ended after 60 seconds idle
     * @return this builder
     * @throws IllegalStateException if the executor was already set
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the clock that measures {@link PolicyFetchOutcome#elapsed()}. It does not time the
     * deadline, which is always real time.
     *
     * @param clock the clock; default: a monotonic clock based on {@link System#nanoTime()}
     * @return this builder
     * @throws IllegalStateException if the clock was already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets the {@code User-Agent} header value.
     *
     * @param userAgent visible ASCII and spaces; default {@link HttpPolicyFetcher#defaultUserAgent()}
     * @return this builder
     * @throws IllegalArgumentException if the value is blank or has other characters
     * @throws IllegalStateException if the User-Agent was already set
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = UserAgent.check(Builders.once(this.userAgent, userAgent, "userAgent"));
      return this;
    }

    /**
     * Sets where the policy host's addresses come from, such as a DNSSEC-validating lookup. Only
     * the TCP connection uses them: SNI, the {@code Host} header and the certificate check always
     * name {@code mta-sts.<domain>} (FET-2, FET-5). At most 8 addresses are tried, in the order
     * given.
     *
     * @param resolver the resolver; default: {@link AddressResolver#system(Executor)} on the
     *     fetcher's executor
     * @return this builder
     * @throws IllegalStateException if the resolver was already set
     */
    public Builder addressResolver(AddressResolver resolver) {
      this.resolver = Builders.once(this.resolver, resolver, "addressResolver");
      return this;
    }

    /**
     * Sets the port to connect to; default 443, the only port RFC 8461 §3.3 allows. Change it
     * only to test against a policy host that cannot take 443 (a loopback test server, say): a
     * sender that fetches from another port does not implement MTA-STS. The URI, the {@code Host}
     * header, SNI and the certificate check are unchanged.
     *
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Builds the fetcher.
     *
     * @return a new fetcher
     * @throws IllegalStateException if the JDK's default trust store cannot be loaded
     */
    public HttpPolicyFetcher build() {
      Duration connect = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
      SSLContext context = sslContext == null ? dnsIdContext(trustManager) : sslContext;
      Executor threads = executor == null ? FetchThreads.shared() : executor;
      ContentTypeMode mode = contentTypeMode == null ? ContentTypeMode.REQUIRE : contentTypeMode;
      AddressResolver addresses = resolver == null ? AddressResolver.system(threads) : resolver;
      return new HttpPolicyFetcher(new FetchSettings(context, List.of(allowedProtocols(context)),
          proxy == null ? ProxySelector.getDefault() : proxy,
          addresses::resolve, threads, port, connect,
          deadline == null ? DEFAULT_DEADLINE : deadline,
          maxBodyBytes == -1 ? MtaStsPolicy.MAX_BODY_BYTES : maxBodyBytes,
          mode == ContentTypeMode.REQUIRE,
          userAgent == null ? UserAgent.defaultValue() : userAgent,
          clock == null ? new MonotonicClock() : clock), mode);
    }

    private static SSLContext dnsIdContext(@Nullable X509TrustManager configured) {
      try {
        X509TrustManager pkix = configured == null ? defaultTrustManager() : configured;
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new DnsIdTrustManager(pkix)}, null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
      }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK's default trust manager factory has no X509TrustManager");
    }

    /** TLS 1.2 and later only (FET-14): drops SSL, TLS 1.0, TLS 1.1 and DTLS. */
    private static String[] allowedProtocols(SSLContext context) {
      List<String> allowed = new ArrayList<>();
      for (String p : context.getSupportedSSLParameters().getProtocols()) {
        if (p.startsWith("TLSv") && !p.equals("TLSv1") && !p.equals("TLSv1.1")) {
          allowed.add(p);
        }
      }
      if (allowed.isEmpty()) {
        throw new IllegalArgumentException("the SSLContext supports neither TLS 1.2 nor TLS 1.3 (FET-14)");
      }
      return allowed.toArray(String[]::new);
    }

  }
}
