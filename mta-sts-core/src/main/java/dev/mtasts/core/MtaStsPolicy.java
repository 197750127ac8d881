package dev.mtasts.core;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An MTA-STS policy: the body served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
 *
 * <p>Immutable and thread-safe. Parse one with {@link #parse(CharSequence)} (RFC 8461 §3.2
 * exactly), read one as a sender with {@link #parseLenient(byte[])}, lint one without exceptions
 * with {@link #lint(byte[], ParseMode)}, or build one with {@link #builder()}.
 *
 * <pre>{@code
 * MtaStsPolicy policy = MtaStsPolicy.parse("""
 *     version: STSv1
 *     mode: enforce
 *     mx: *.mail.example.com
 *     max_age: 604800
 *     """);
 * policy.mode();                           // ENFORCE
 * policy.matches("mx1.mail.example.com");  // true
 * }</pre>
 *
 * @param version always {@value #VERSION}
 * @param mode the policy mode
 * @param mx the {@code mx} patterns in file order; may be empty only when the mode is
 *     {@link MtaStsMode#NONE}
 * @param maxAge how long senders may cache the policy: whole seconds, 0 to 31557600 (POL-7)
 * @param extensions unregistered fields, first occurrence of each name, in file order (POL-14)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
 */
public record MtaStsPolicy(
    String version, MtaStsMode mode, List<MxPattern> mx, Duration maxAge,
    List<ExtensionField> extensions) {

  /** The only defined policy version. */
  public static final String VERSION = "STSv1";

  /** The largest {@code max_age} RFC 8461 §3.2 allows: 31557600 seconds, one Julian year. */
  public static final Duration MAX_MAX_AGE = Duration.ofSeconds(PolicyParser.MAX_AGE_LIMIT);

  /** The largest body this library reads: 64 KiB (RFC 8461 §3.3, FET-10). */
  public static final int MAX_BODY_BYTES = PolicyParser.MAX_BYTES;

  private static final String SUBJECT = "MTA-STS policy";

  /**
   * Validates and copies the components.
   *
   * @param version the {@code version} component
   * @param mode the {@code mode} component
   * @param mx the {@code mx} component
   * @param maxAge the {@code maxAge} component
   * @param extensions the {@code extensions} component
   * @throws IllegalArgumentException if the version is not {@value #VERSION}, {@code maxAge} is
   *     negative, above {@link #MAX_MAX_AGE} or not whole seconds, {@code mx} is empty while the
   *     mode is not {@code none}, or an extension repeats a name or uses a registered one
   */
  public MtaStsPolicy {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(maxAge, "maxAge");
    maxAge = sharedMaxAge(maxAge);
    mx = List.copyOf(mx);
    extensions = List.copyOf(extensions);
    if (!VERSION.equals(version)) {
      throw new IllegalArgumentException("version must be '" + VERSION + "', not " + Text.quote(version));
    }
    if (maxAge.isNegative() || maxAge.getNano() != 0 || maxAge.compareTo(MAX_MAX_AGE) > 0) {
      throw new IllegalArgumentException(
          "max_age must be whole seconds from 0 to 31557600 (one year), not " + Durations.human(maxAge));
    }
    if (mx.isEmpty() && mode != MtaStsMode.NONE) {
      throw new IllegalArgumentException("mode '" + mode.token() + "' needs at least one mx pattern");
    }
    for (int i = 0; i < extensions.size(); i++) {
      String name = extensions.get(i).name();
      if (isRegisteredField(name)) {
        throw new IllegalArgumentException("'" + name + "' is a registered field, not an extension");
      }
      for (int j = 0; j < i; j++) {
        if (extensions.get(j).name().equals(name)) {
          throw new IllegalArgumentException("extension field '" + name + "' appears twice");
        }
      }
    }
  }

  /**
   * The {@code max_age} values that 92 % of the policies in the project's real-world corpus use
   * (one week, one day, two weeks, one year, four weeks, 30 days), as shared instances: a cache of
   * many policies then holds one {@code Duration} per value instead of one per policy (SEC-45).
   */
  private static final Duration[] COMMON_MAX_AGES = {
    Duration.ofSeconds(604_800), Duration.ofSeconds(86_400), Duration.ofSeconds(1_209_600),
    Duration.ofSeconds(31_557_600), Duration.ofSeconds(2_419_200), Duration.ofSeconds(2_592_000),
  };

  /** Returns the shared instance equal to {@code maxAge}, if there is one, else {@code maxAge}. */
  private static Duration sharedMaxAge(Duration maxAge) {
    for (Duration d : COMMON_MAX_AGES) {
      if (d.equals(maxAge)) {
        return d;
      }
    }
    return maxAge;
  }

  /**
   * Parses a policy body exactly as RFC 8461 §3.2 defines it.
   *
   * <p>Field names and the values {@code STSv1}, {@code enforce}, {@code testing}, {@code none}
   * are case-sensitive; lines end in LF or CRLF (mixed is allowed, the last terminator is
   * optional); for every field but {@code mx} the first occurrence wins; unknown fields are kept
   * as {@link #extensions()}; {@code mx} is required unless the mode is {@code none};
   * {@code max_age} is 1 to 10 digits and at most 31557600.
   *
   * @param text the body
   * @return the policy
   * @throws MtaStsParseException listing every problem, if the body is invalid or larger than
   *     {@link #MAX_BODY_BYTES} in UTF-8
   */
  public static MtaStsPolicy parse(CharSequence text) {
    return PolicyParser.parse(Objects.requireNonNull(text, "text"), ParseMode.STRICT)
        .orElseThrow(SUBJECT);
  }

  /**
   * Parses a policy body from its bytes, which must be UTF-8, exactly as RFC 8461 §3.2 defines
   * it; see {@link #parse(CharSequence)}.
   *
   * @param body the body, at most {@link #MAX_BODY_BYTES} bytes
   * @return the policy
   * @throws MtaStsParseException listing every problem, if the body is invalid, not UTF-8 or too
   *     large
   */
  public static MtaStsPolicy parse(byte[] body) {
    return PolicyParser.parse(Objects.requireNonNull(body, "body"), ParseMode.STRICT)
        .orElseThrow(SUBJECT);
  }

  /**
   * Reads a policy body as a sender should: strictly, except for the whitespace-level
   * deviations real policy hosts serve.
   *
   * <p>Tolerated, each reported as a {@link Severity#WARNING} with its code, and nothing else:
   * <ul>
   *   <li>a UTF-8 byte order mark at the start ({@link ProblemCode#POLICY_BOM});
   *   <li>blank or whitespace-only lines anywhere, a trailing one included
   *       ({@link ProblemCode#POLICY_BLANK_LINE});
   *   <li>spaces or tabs at the start of a line ({@link ProblemCode#POLICY_LEADING_WHITESPACE});
   *       at the end of a line they are valid anyway;
   *   <li>one trailing root dot on an {@code mx} value, which is removed
   *       ({@link ProblemCode#POLICY_MX_TRAILING_DOT}).
   * </ul>
   * Substance errors are never tolerated: an unknown mode or version, a bad or missing
   * {@code max_age}, a missing field, a line without a colon, {@code #} comments, whitespace
   * before a colon, an invalid {@code mx}, bad UTF-8 or an oversized body.
   *
   * @param body the body, at most {@link #MAX_BODY_BYTES} bytes of UTF-8
   * @return the policy with the tolerated deviations
   * @throws MtaStsParseException listing every problem, if the body has a substance error
   */
  public static LenientPolicy parseLenient(byte[] body) {
    return lenient(PolicyParser.parse(Objects.requireNonNull(body, "body"), ParseMode.LENIENT));
  }

  /**
   * Reads a policy body as a sender should; see {@link #parseLenient(byte[])}.
   *
   * @param text the body
   * @return the policy with the tolerated deviations
   * @throws MtaStsParseException listing every problem, if the body has a substance error
   */
  public static LenientPolicy parseLenient(CharSequence text) {
    return lenient(PolicyParser.parse(Objects.requireNonNull(text, "text"), ParseMode.LENIENT));
  }

  private static LenientPolicy lenient(ParseReport<MtaStsPolicy> report) {
    return new LenientPolicy(report.orElseThrow(SUBJECT), report.problems());
  }

  /**
   * Checks a policy body and reports every problem without throwing for bad input, as a linter
   * or an owner's checker needs.
   *
   * @param body the body
   * @param mode how strictly to read it
   * @return the policy, when valid under {@code mode}, and every error, warning and note
   */
  public static ParseReport<MtaStsPolicy> lint(byte[] body, ParseMode mode) {
    return PolicyParser.parse(Objects.requireNonNull(body, "body"), Objects.requireNonNull(mode, "mode"));
  }

  /**
   * Checks a policy body given as text; see {@link #lint(byte[], ParseMode)}.
   *
   * @param text the body
   * @param mode how strictly to read it
   * @return the policy, when valid under {@code mode}, and every error, warning and note
   */
  public static ParseReport<MtaStsPolicy> lint(CharSequence text, ParseMode mode) {
    return PolicyParser.parse(Objects.requireNonNull(text, "text"), Objects.requireNonNull(mode, "mode"));
  }

  /**
   * Returns a builder that validates every value as it is set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns {@code max_age} in seconds.
   *
   * @return 0 to 31557600
   */
  public long maxAgeSeconds() {
    return maxAge.getSeconds();
  }

  /**
   * Tells whether an MX host name matches any {@code mx} pattern (MXM-1 to MXM-5).
   *
   * <p>This looks at the patterns only, whatever the mode: whether a mode-{@code none} policy
   * applies at all is the caller's decision (APP-3).
   *
   * @param mxHost the MX host name as in DNS; one trailing root dot is ignored
   * @return {@code true} if a pattern matches
   * @see MxPattern#matches(String)
   */
  public boolean matches(String mxHost) {
    Objects.requireNonNull(mxHost, "mxHost");
    for (MxPattern p : mx) {
      if (p.matches(mxHost)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the value of an extension field.
   *
   * @param name the field name, case-sensitive
   * @return the value, or empty if there is no such field
   */
  public Optional<String> extension(String name) {
    for (ExtensionField f : extensions) {
      if (f.name().equals(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }

  /**
   * Serializes the policy in canonical form (POL-20): {@code version}, {@code mode}, each
   * {@code mx}, {@code max_age}, then the extensions, one {@code name: value} per line, every line
   * ended by CRLF, no blank line.
   *
   * <p>CRLF is what the RFC's prose asks for; LF-only readers accept it because a CR before the
   * LF is part of the terminator. {@code parse(p.toText())} equals {@code p}.
   *
   * @return the body text
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(64 + 32 * mx.size());
    sb.append("version: ").append(version).append("\r\n");
    sb.append("mode: ").append(mode.token()).append("\r\n");
    for (MxPattern p : mx) {
      sb.append("mx: ").append(p).append("\r\n");
    }
    sb.append("max_age: ").append(maxAge.getSeconds()).append("\r\n");
    for (ExtensionField f : extensions) {
      sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
    }
    return sb.toString();
  }

  /**
   * Serializes the policy as UTF-8 bytes of {@link #toText()}.
   *
   * @return the body as it should be served
   */
  public byte[] toBytes() {
    return toText().getBytes(StandardCharsets.UTF_8);
  }

  static boolean isRegisteredField(String name) {
    return name.equals("version") || name.equals("mode") || name.equals("max_age")
        || name.equals("mx");
  }

  /**
   * Builds a policy, validating each value as it is set; for generators and tests.
   *
   * <p>{@code mode} and {@code maxAge} may be set once each; setting one twice is a programming
   * error and throws {@link IllegalStateException}.
   *
   * <pre>{@code
   * MtaStsPolicy p = MtaStsPolicy.builder()
   *     .mode(MtaStsMode.TESTING)
   *     .addMx("mail.example.com")
   *     .maxAge(Duration.ofDays(7))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private @Nullable MtaStsMode mode;
    private @Nullable Duration maxAge;
    private final List<MxPattern> mx = new ArrayList<>();
    private final List<ExtensionField> extensions = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the mode.
     *
     * @param mode the mode
     * @return this builder
     * @throws IllegalStateException if the mode was already set
     */
    public Builder mode(MtaStsMode mode) {
      this.mode = Builders.once(this.mode, mode, "mode");
      return this;
    }

    /**
     * Adds an {@code mx} pattern, normalized by {@link MxPattern#of(String)}.
     *
     * @param pattern a host name or {@code *.}-wildcard
     * @return this builder
     * @throws IllegalArgumentException if the pattern is invalid or already added
     */
    public Builder addMx(String pattern) {
      return addMx(MxPattern.of(pattern));
    }

    /**
     * Adds an {@code mx} pattern.
     *
     * @param pattern the pattern
     * @return this builder
     * @throws IllegalArgumentException if the pattern was already added
     */
    public Builder addMx(MxPattern pattern) {
      Objects.requireNonNull(pattern, "pattern");
      if (mx.contains(pattern)) {
        throw new IllegalArgumentException("mx pattern '" + pattern + "' was already added");
      }
      mx.add(pattern);
      return this;
    }

    /**
     * Sets {@code max_age}.
     *
     * @param maxAge whole seconds from 0 to 31557600
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAge} is out of range or not whole seconds
     * @throws IllegalStateException if {@code max_age} was already set
     */
    public Builder maxAge(Duration maxAge) {
      Builders.once(this.maxAge, maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.getNano() != 0 || maxAge.compareTo(MAX_MAX_AGE) > 0) {
        throw new IllegalArgumentException(
            "max_age must be whole seconds from 0 to 31557600 (one year), not " + Durations.human(maxAge));
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Sets {@code max_age} in seconds.
     *
     * @param seconds 0 to 31557600
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if {@code max_age} was already set
     */
    public Builder maxAgeSeconds(long seconds) {
      return maxAge(Duration.ofSeconds(seconds));
    }

    /**
     * Adds an extension field.
     *
     * @param name the field name; not a registered one
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException if the name or value is invalid, the name is registered
     *     ({@code version}, {@code mode}, {@code max_age}, {@code mx}) or already used
     */
    public Builder addExtension(String name, String value) {
      ExtensionField field = new ExtensionField(name, value);
      if (isRegisteredField(name)) {
        throw new IllegalArgumentException(
            "'" + name + "' is a registered field; use its own builder method");
      }
      for (ExtensionField f : extensions) {
        if (f.name().equals(name)) {
          throw new IllegalArgumentException("extension field '" + name + "' was already added");
        }
      }
      extensions.add(field);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalStateException naming what is missing: the mode, {@code max_age}, or an
     *     {@code mx} pattern for a mode other than {@code none}
     */
    public MtaStsPolicy build() {
      List<String> missing = new ArrayList<>(3);
      if (mode == null) {
        missing.add("mode is not set");
      }
      if (maxAge == null) {
        missing.add("max_age is not set");
      }
      if (mode != null && mode != MtaStsMode.NONE && mx.isEmpty()) {
        missing.add("mode '" + mode.token() + "' needs at least one mx pattern");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("incomplete policy: " + String.join("; ", missing));
      }
      return new MtaStsPolicy(VERSION, Objects.requireNonNull(mode), mx,
          Objects.requireNonNull(maxAge), extensions);
    }
  }
}
