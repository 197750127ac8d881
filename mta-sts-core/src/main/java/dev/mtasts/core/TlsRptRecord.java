package dev.mtasts.core;

import dev.mtasts.core.internal.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code _smtp._tls.<domain>} TXT record that says where to send TLS-RPT reports.
 *
 * <pre>{@code
 * TlsRptRecord record = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
 * record.rua();      // [mailto:tlsrpt@example.com]
 * }</pre>
 *
 * @param rua every reporting URI, in record order, from every {@code rua} field; URIs with schemes
 *     other than {@code mailto} and {@code https} are kept here but left out of
 *     {@link #reportUris()} (RPT-4)
 * @param extensions unknown {@code name=value} fields, first occurrence of each (RPT-6)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 */
public record TlsRptRecord(List<URI> rua, List<ExtensionField> extensions) {

  /** The version tag every record must begin with (RPT-2). */
  public static final String VERSION_TAG = "v=TLSRPTv1";

  private static final String SUBJECT = "_smtp._tls TXT record";

  /**
   * Validates the URIs and the extensions.
   *
   * @param rua the {@code rua} component
   * @param extensions the {@code extensions} component
   * @throws IllegalArgumentException if {@code rua} is empty, a URI is not absolute or holds a
   *     character that RFC 8460 §3 requires to be percent-encoded ({@code , ! ;}), or an extension
   *     is invalid
   */
  public TlsRptRecord {
    rua = List.copyOf(rua);
    extensions = List.copyOf(extensions);
    if (rua.isEmpty()) {
      throw new IllegalArgumentException("a TLS-RPT record needs at least one rua URI");
    }
    for (URI u : rua) {
      // A URI object always re-parses from its string form (URI#toString), so only the
      // character rules and the scheme rules are left to check; no second parse is needed.
      String problem = checkCharacters(u.toString());
      if (problem == null) {
        problem = checkSchemeRules(u);
      }
      if (problem != null) {
        throw new IllegalArgumentException("rua URI " + Text.quote(u.toString()) + ": " + problem);
      }
    }
    MtaStsRecord.checkTxtExtensions(extensions, "rua");
  }

  /**
   * Creates a record with the given reporting URIs and no extensions.
   *
   * @param rua one or more {@code mailto:} or {@code https:} URIs
   * @return the record
   * @throws IllegalArgumentException if {@code rua} is empty or a URI is invalid
   */
  public static TlsRptRecord of(List<URI> rua) {
    return new TlsRptRecord(rua, List.of());
  }

  /**
   * Parses one TXT value, with its character-strings already joined without spaces, exactly as
   * the RFC 8460 §3 ABNF defines it.
   *
   * <p>Several {@code rua} fields are accepted and their URIs collected in order (RFC 8460 does
   * not address repeats; a note {@link ProblemCode#TLSRPT_RECORD_DUPLICATE_RUA} is reported).
   *
   * @param text the TXT value
   * @return the record
   * @throws MtaStsParseException listing every problem, if the value is invalid
   */
  public static TlsRptRecord parse(CharSequence text) {
    return lint(text).orElseThrow(SUBJECT);
  }

  /**
   * Checks one TXT value and reports every problem without throwing for bad input.
   *
   * @param text the TXT value
   * @return the record when valid, and every problem
   */
  public static ParseReport<TlsRptRecord> lint(CharSequence text) {
    return new Parser(Objects.requireNonNull(text, "text")).run();
  }

  /**
   * Selects the TLS-RPT record among all TXT values at {@code _smtp._tls.<domain>} (RPT-3): values
   * not beginning with {@code v=TLSRPTv1} and {@code ;} are ignored, and exactly one valid record
   * must remain.
   *
   * @param txtValues every TXT value at the name, each with its strings joined
   * @return the selection outcome
   */
  public static TxtRecordSelection<TlsRptRecord> select(List<String> txtValues) {
    return TxtRecordParser.select(txtValues, VERSION_TAG, TlsRptRecord::lint);
  }

  /**
   * Returns the URIs a reporter can deliver to: those with the {@code mailto} or {@code https}
   * scheme (RPT-4).
   *
   * @return the supported URIs, in record order; possibly empty
   */
  public List<URI> reportUris() {
    List<URI> out = new ArrayList<>(rua.size());
    for (URI u : rua) {
      if (isSupportedScheme(u.getScheme())) {
        out.add(u);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns the value of an extension field.
   *
   * @param name the field name, case-sensitive
   * @return the value, or empty if absent
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
   * Serializes the record in canonical form: {@code v=TLSRPTv1; rua=<uri>,<uri>} followed by
   * {@code ; name=value} for each extension. {@code parse(r.toText())} equals {@code r}.
   *
   * @return the TXT value to publish
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(64).append(VERSION_TAG).append("; rua=");
    for (int i = 0; i < rua.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(rua.get(i));
    }
    for (ExtensionField f : extensions) {
      sb.append("; ").append(f.name()).append('=').append(f.value());
    }
    return sb.toString();
  }

  private static boolean isSupportedScheme(@Nullable String scheme) {
    return "mailto".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
  }

  /**
   * Checks the characters of a {@code tlsrpt-uri} before it is parsed: a scheme, RFC 3986
   * characters only, well-formed percent-encoding, and {@code , ! ;} percent-encoded (RFC 8460
   * §3).
   *
   * @return {@code null} when valid, else what is wrong
   */
  static @Nullable String checkCharacters(String u) {
    int colon = u.indexOf(':');
    if (colon <= 0 || !isAlpha(u.charAt(0))) {
      return "not a URI (no scheme)";
    }
    for (int i = 1; i < colon; i++) {
      char c = u.charAt(i);
      if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
        return "not a URI (invalid scheme " + Text.quote(u.substring(0, colon)) + ")";
      }
    }
    for (int i = 0; i < u.length(); i++) {
      char c = u.charAt(i);
      if (c == '%') {
        if (i + 2 >= u.length() || !isHex(u.charAt(i + 1)) || !isHex(u.charAt(i + 2))) {
          return "bad percent-encoding at position " + (i + 1);
        }
      } else if (c == '!' || c == ',' || c == ';') {
        return "'" + c + "' must be percent-encoded in a rua URI (RFC 8460 §3)";
      } else if (!isUriChar(c)) {
        return "character " + Text.describe(c) + " is not allowed in a URI";
      }
    }
    return null;
  }

  /**
   * Checks what the scheme of a parsed {@code tlsrpt-uri} requires: a {@code mailto:} holds one
   * or more addr-specs (RFC 6068, separated by an encoded comma {@code %2C}), an {@code https:}
   * a host.
   *
   * @return {@code null} when valid, else what is wrong
   */
  static @Nullable String checkSchemeRules(URI uri) {
    String scheme = uri.getScheme();
    if (scheme.equalsIgnoreCase("mailto")) {
      String ssp = uri.getRawSchemeSpecificPart();
      int q = ssp.indexOf('?');
      int end = q < 0 ? ssp.length() : q;
      if (end == 0) {
        return "mailto URI with no address";
      }
      // Each address between encoded commas ("%2C" or "%2c") needs a local part and a domain.
      int from = 0;
      while (true) {
        int sep = indexOfEncodedComma(ssp, from, end);
        int to = sep < 0 ? end : sep;
        int at = ssp.lastIndexOf('@', to - 1);
        if (at < from || at == from || at == to - 1) {
          return "mailto URI without an addr-spec 'local@domain' (RFC 6068)";
        }
        if (sep < 0) {
          break;
        }
        from = sep + 3;
      }
    } else if (scheme.equalsIgnoreCase("https")) {
      String authority = uri.getRawAuthority();
      if (authority == null || authority.isEmpty() || authority.startsWith(":")) {
        return "https URI without a host";
      }
    }
    return null;
  }

  private static int indexOfEncodedComma(String s, int from, int to) {
    for (int i = from; i + 3 <= to; i++) {
      if (s.charAt(i) == '%' && s.charAt(i + 1) == '2' && (s.charAt(i + 2) == 'C' || s.charAt(i + 2) == 'c')) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses and checks one {@code tlsrpt-uri}.
   *
   * @return the URI, or {@code null} with the problem written to {@code problem[0]}
   */
  private static @Nullable URI parseUri(String u, String[] problem) {
    String p = checkCharacters(u);
    if (p == null) {
      try {
        URI uri = new URI(u);
        p = checkSchemeRules(uri);
        if (p == null) {
          return uri;
        }
      } catch (URISyntaxException e) {
        p = "not a valid URI: " + e.getReason();
      }
    }
    problem[0] = p;
    return null;
  }

  private static boolean isUriChar(char c) {
    return isAlpha(c) || isDigit(c) || "-._~:/?#[]@$&'()*+=".indexOf(c) >= 0;
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static final class Parser extends TxtRecordParser<TlsRptRecord> {
    private static final ProblemCode[] CODES = TxtRecordParser.codes(
        ProblemCode.TLSRPT_RECORD_TOO_LARGE, ProblemCode.TLSRPT_RECORD_NOT_ASCII, ProblemCode.TLSRPT_RECORD_BAD_VERSION, ProblemCode.TLSRPT_RECORD_NO_FIELDS, ProblemCode.TLSRPT_RECORD_EMPTY_FIELD, ProblemCode.TLSRPT_RECORD_NOT_KEY_VALUE, ProblemCode.TLSRPT_RECORD_WHITESPACE, ProblemCode.TLSRPT_RECORD_TRAILING_WHITESPACE, ProblemCode.TLSRPT_RECORD_SPACE_BEFORE_DELIMITER, ProblemCode.TLSRPT_RECORD_DUPLICATE_FIELD, ProblemCode.TLSRPT_RECORD_INVALID_FIELD_NAME, ProblemCode.TLSRPT_RECORD_INVALID_EXTENSION_VALUE);

    private final List<URI> rua = new ArrayList<>(2);
    private final String[] problem = new String[1];
    private int ruaFields;

    Parser(CharSequence text) {
      super(text, VERSION_TAG, CODES, "rua");
    }

    @Override
    protected boolean isListField(String name) {
      return name.equals("rua");
    }

    @Override
    protected void field(String name, int nameStart, int vs, int ve) {
      if (!name.equals("rua")) {
        extension(name, nameStart, vs, ve);
        return;
      }
      ruaFields++;
      if (ruaFields > 1) {
        report(ProblemCode.TLSRPT_RECORD_DUPLICATE_RUA, Severity.INFO, nameStart + 1, "rua",
            "repeated rua field; its URIs are added to those of the first one");
      }
      if (vs == ve) {
        report(ProblemCode.TLSRPT_RECORD_EMPTY_URI, Severity.ERROR, vs + 1, "rua", "rua has no URI");
        return;
      }
      int i = vs;
      while (true) {
        int comma = t.indexOf(',', i);
        int end = comma < 0 || comma > ve ? ve : comma;
        int a = i;
        int b = end;
        while (a < b && isWsp(t.charAt(a))) {
          a++;
        }
        while (b > a && isWsp(t.charAt(b - 1))) {
          b--;
        }
        if (a == b) {
          report(ProblemCode.TLSRPT_RECORD_EMPTY_URI, Severity.ERROR, a + 1, "rua",
              "empty URI in the rua list (a stray ',')");
        } else {
          String u = t.substring(a, b);
          URI uri = parseUri(u, problem);
          if (uri == null) {
            report(ProblemCode.TLSRPT_RECORD_INVALID_URI, Severity.ERROR, a + 1, "rua",
                "rua URI " + Text.quote(u) + ": " + problem[0]);
          } else {
            if (!isSupportedScheme(uri.getScheme())) {
              report(ProblemCode.TLSRPT_RECORD_UNSUPPORTED_SCHEME, Severity.WARNING, a + 1, "rua",
                  "rua URI " + Text.quote(u) + " has scheme '" + uri.getScheme()
                      + "'; only mailto and https are defined, so reporters ignore it");
            }
            rua.add(uri);
          }
        }
        if (end == ve) {
          break;
        }
        i = end + 1;
      }
    }

    @Override
    protected void finish() {
      if (ruaFields == 0) {
        report(ProblemCode.TLSRPT_RECORD_MISSING_RUA, Severity.ERROR, 0, "rua",
            "the required field 'rua' is missing; add '; rua=mailto:...' or '; rua=https://...'");
      }
    }

    @Override
    protected TlsRptRecord build() {
      return new TlsRptRecord(rua, extensionList());
    }
  }
}
