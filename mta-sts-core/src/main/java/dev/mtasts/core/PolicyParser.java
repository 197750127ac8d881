package dev.mtasts.core;

import dev.mtasts.core.internal.DomainNames;
import dev.mtasts.core.internal.Text;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one policy-body parser behind {@link MtaStsPolicy#parse}, {@link MtaStsPolicy#parseLenient}
 * and {@link MtaStsPolicy#lint}: a single pass over the text that never stops at the first
 * problem, so that every problem is reported.
 */
final class PolicyParser {
  static final int MAX_BYTES = 64 * 1024;
  static final long MAX_AGE_LIMIT = 31_557_600L;

  private static final int FIELD_EXTENSION = 0;
  private static final int FIELD_VERSION = 1;
  private static final int FIELD_MODE = 2;
  private static final int FIELD_MAX_AGE = 3;
  private static final int FIELD_MX = 4;

  /** {@code MtaStsMode.values()} copies the array on every call; this is read once per policy. */
  private static final MtaStsMode[] MODES = MtaStsMode.values();

  /** Reads eight bytes of a {@code byte[]} at once, for {@link #isAscii(byte[])}. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final String s;
  private final boolean lenient;
  /** Off only in tests, which compare the one-pass fast paths with the full checks. */
  private final boolean fastPaths;
  private @Nullable ArrayList<ParseProblem> problems;
  private boolean hasError;
  private int lineStart;
  /** The first carriage return at or after the current line start, or -1 if there is none. */
  private int nextCr;

  private int versionLine;
  private int modeLine;
  private int maxAgeLine;
  private int mxLines;
  private @Nullable MtaStsMode mode;
  private long maxAge = -1;
  /**
   * The first two patterns, then all of them once there is a third: most policies have one or
   * two, and {@code List.of(a)} or {@code List.of(a, b)} is what {@code List.copyOf} in the policy
   * constructor would make of a list of one or two anyway, without an {@code ArrayList} first.
   */
  private @Nullable MxPattern mx0;
  private @Nullable MxPattern mx1;
  private @Nullable ArrayList<MxPattern> mxMore;
  private @Nullable ArrayList<ExtensionField> extensions;
  private @Nullable ArrayList<String> caseLookalikes;

  private PolicyParser(String s, ParseMode mode, boolean fastPaths) {
    this.s = s;
    this.lenient = mode == ParseMode.LENIENT;
    this.fastPaths = fastPaths;
  }

  static ParseReport<MtaStsPolicy> parse(byte[] body, ParseMode mode) {
    return parse(body, mode, true);
  }

  /** For tests: {@code fastPaths == false} parses with the full checks only. */
  static ParseReport<MtaStsPolicy> parse(byte[] body, ParseMode mode, boolean fastPaths) {
    if (body.length > MAX_BYTES) {
      return failure(tooLarge(body.length));
    }
    String text;
    if (fastPaths ? isAscii(body) : isAsciiByteByByte(body)) {
      // ASCII is a subset of Latin-1, so this is an exact and allocation-cheap decode.
      text = new String(body, StandardCharsets.ISO_8859_1);
    } else {
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(body);
      CharBuffer out = CharBuffer.allocate(body.length);
      CoderResult result = decoder.decode(in, out, true);
      if (!result.isError()) {
        result = decoder.flush(out);
      }
      if (result.isError()) {
        return failure(notUtf8(body, in.position()));
      }
      text = out.flip().toString();
    }
    return new PolicyParser(text, mode, fastPaths).run();
  }

  static ParseReport<MtaStsPolicy> parse(CharSequence input, ParseMode mode) {
    return parse(input, mode, true);
  }

  /** For tests: {@code fastPaths == false} parses with the full checks only. */
  static ParseReport<MtaStsPolicy> parse(CharSequence input, ParseMode mode, boolean fastPaths) {
    if (input.length() > MAX_BYTES) {
      // Every char takes at least one UTF-8 byte: no need to look further.
      return failure(tooLarge(input.length()));
    }
    String text = input.toString();
    long utf8Length = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        utf8Length++;
      } else if (c < 0x800) {
        utf8Length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        utf8Length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        int line = lineOf(text, i);
        return failure(new ParseProblem(ProblemCode.POLICY_NOT_UTF8, Severity.ERROR, line,
            i - text.lastIndexOf('\n', i - 1), "",
            "the text has an unpaired UTF-16 surrogate U+" + Integer.toHexString(c).toUpperCase(
                java.util.Locale.ROOT) + ", which has no UTF-8 encoding"));
      } else {
        utf8Length += 3;
      }
    }
    if (utf8Length > MAX_BYTES) {
      return failure(tooLarge(utf8Length));
    }
    return new PolicyParser(text, mode, fastPaths).run();
  }

  private static ParseReport<MtaStsPolicy> failure(ParseProblem problem) {
    return new ParseReport<>(null, List.of(problem));
  }

  private static ParseProblem tooLarge(long size) {
    return new ParseProblem(ProblemCode.POLICY_TOO_LARGE, Severity.ERROR, 0, 0, "",
        "the policy is " + size + " bytes; the limit is " + MAX_BYTES
            + " bytes (RFC 8461 §3.3 suggests senders stop at 64 KB)");
  }

  private static ParseProblem notUtf8(byte[] body, int offset) {
    String hint = "";
    if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
        || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
      hint = "; it starts with a UTF-16 byte order mark: save the file as UTF-8";
    }
    int line = 1;
    int lastNl = -1;
    for (int i = 0; i < offset && i < body.length; i++) {
      if (body[i] == '\n') {
        line++;
        lastNl = i;
      }
    }
    return new ParseProblem(ProblemCode.POLICY_NOT_UTF8, Severity.ERROR, line, 0, "",
        String.format("byte 0x%02X at offset %d (line %d, byte %d of the line) is not valid UTF-8%s",
            body[Math.min(offset, body.length - 1)] & 0xff, offset, line, offset - lastNl, hint));
  }

  /** The plain loop that {@link #isAscii(byte[])} replaces; kept for the tests. */
  static boolean isAsciiByteByByte(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  /** Tells whether every byte is below 0x80, eight bytes at a time. */
  static boolean isAscii(byte[] b) {
    int n = b.length;
    int i = 0;
    long bits = 0;
    for (int last = n - Long.BYTES; i <= last; i += Long.BYTES) {
      bits |= (long) LONGS.get(b, i);
    }
    for (; i < n; i++) {
      bits |= b[i];
    }
    return (bits & 0x8080808080808080L) == 0;
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private ParseReport<MtaStsPolicy> run() {
    final String s = this.s;
    final int n = s.length();
    int pos = 0;
    if (n > 0 && s.charAt(0) == '\uFEFF') {
      report(ProblemCode.POLICY_BOM, lenient ? Severity.WARNING : Severity.ERROR, 1, 1, "",
          "the body starts with a UTF-8 byte order mark (U+FEFF); save the file without a BOM");
      pos = 1;
    }
    if (pos == n) {
      error(ProblemCode.POLICY_EMPTY, 0, 0, "", "the policy body is empty");
      return new ParseReport<>(null, problemList());
    }
    int line = 0;
    int lf = 0;
    int crlf = 0;
    nextCr = s.indexOf('\r', pos);
    while (pos < n) {
      line++;
      int nl = s.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      if (nl >= 0) {
        if (end > pos && s.charAt(end - 1) == '\r') {
          end--;
          crlf++;
        } else {
          lf++;
        }
      }
      lineStart = pos;
      parseLine(line, pos, end);
      pos = nl < 0 ? n : nl + 1;
    }
    finish(lf, crlf);
    List<ParseProblem> found = problemList();
    if (hasError) {
      return new ParseReport<>(null, found);
    }
    // No error means a mode was read (POL-6).
    MtaStsPolicy policy = new MtaStsPolicy(MtaStsPolicy.VERSION, java.util.Objects.requireNonNull(mode), mxList(),
        Duration.ofSeconds(maxAge), extensions == null ? List.of() : extensions);
    return new ParseReport<>(policy, found);
  }

  private void parseLine(int line, int start, int end) {
    final String s = this.s;
    int cr;
    if (fastPaths) {
      cr = nextCr;
      if (cr >= 0 && cr < start) {
        cr = s.indexOf('\r', start);
        nextCr = cr;
      }
    } else {
      cr = indexOf('\r', start, end);
    }
    if (cr >= 0 && cr < end) {
      error(ProblemCode.POLICY_BARE_CR, line, col(cr), "",
          "carriage return without a following line feed; lines end in LF or CRLF");
      return;
    }
    int i = start;
    while (i < end && isWsp(s.charAt(i))) {
      i++;
    }
    if (i == end) {
      report(ProblemCode.POLICY_BLANK_LINE, lenient ? Severity.WARNING : Severity.ERROR, line, 0, "",
          start == end ? "blank line; the policy format has no empty lines (remove it)"
              : "line holds only whitespace; the policy format has no empty lines (remove it)");
      return;
    }
    if (i > start) {
      report(ProblemCode.POLICY_LEADING_WHITESPACE, lenient ? Severity.WARNING : Severity.ERROR,
          line, 1, "", "line starts with whitespace; a field name must start at column 1");
    }
    int nameStart = i;
    if (s.charAt(i) == '#') {
      error(ProblemCode.POLICY_COMMENT, line, col(i), "",
          "'#' comment lines are not allowed; the policy format has no comments (remove the line)");
      return;
    }
    int colon = indexOf(':', i, end);
    if (colon < 0) {
      error(ProblemCode.POLICY_NOT_KEY_VALUE, line, col(i), "",
          "line " + Text.quote(s.substring(i, end)) + " is not a 'name: value' pair");
      return;
    }
    int nameEnd = colon;
    while (nameEnd > nameStart && isWsp(s.charAt(nameEnd - 1))) {
      nameEnd--;
    }
    if (nameEnd < colon) {
      error(ProblemCode.POLICY_WHITESPACE_BEFORE_COLON, line, col(nameEnd),
          s.substring(nameStart, nameEnd), "whitespace between the field name and ':' is not allowed");
    }
    if (!ExtensionField.isValidName(s, nameStart, nameEnd)) {
      error(ProblemCode.POLICY_INVALID_FIELD_NAME, line, col(nameStart), "",
          "field name " + Text.quote(s.substring(nameStart, nameEnd)) + " is invalid; names are 1 to "
              + "32 letters, digits, '_', '-' or '.', starting with a letter or digit");
      return;
    }
    int vs = colon + 1;
    while (vs < end && isWsp(s.charAt(vs))) {
      vs++;
    }
    int ve = end;
    while (ve > vs && isWsp(s.charAt(ve - 1))) {
      ve--;
    }
    int field = fieldId(nameStart, nameEnd);
    switch (field) {
      case FIELD_VERSION -> version(line, vs, ve);
      case FIELD_MODE -> mode(line, vs, ve);
      case FIELD_MAX_AGE -> maxAge(line, vs, ve);
      case FIELD_MX -> mx(line, vs, ve);
      default -> extension(line, nameStart, nameEnd, vs, ve);
    }
  }

  private boolean emptyValue(int line, int vs, int ve, String name) {
    if (vs < ve) {
      return false;
    }
    error(ProblemCode.POLICY_EMPTY_VALUE, line, col(vs), name, "field '" + name + "' has no value");
    return true;
  }

  private boolean duplicate(int line, int firstLine, String name) {
    if (firstLine == 0) {
      return false;
    }
    warning(ProblemCode.POLICY_DUPLICATE_FIELD, line, 1, name, "repeated field '" + name
        + "' is ignored; the first one, on line " + firstLine + ", wins");
    return true;
  }

  private void version(int line, int vs, int ve) {
    if (duplicate(line, versionLine, "version")) {
      return;
    }
    versionLine = line;
    if (emptyValue(line, vs, ve, "version")) {
      return;
    }
    if (ve - vs != 5 || !s.startsWith(MtaStsPolicy.VERSION, vs)) {
      String v = s.substring(vs, ve);
      error(ProblemCode.POLICY_INVALID_VERSION, line, col(vs), "version", "version value "
          + Text.quote(v) + " is not 'STSv1'" + caseHint(v, MtaStsPolicy.VERSION));
    }
  }

  private void mode(int line, int vs, int ve) {
    if (duplicate(line, modeLine, "mode")) {
      return;
    }
    modeLine = line;
    if (emptyValue(line, vs, ve, "mode")) {
      return;
    }
    for (MtaStsMode m : MODES) {
      String t = m.token();
      if (ve - vs == t.length() && s.startsWith(t, vs)) {
        mode = m;
        return;
      }
    }
    String v = s.substring(vs, ve);
    String hint = "";
    for (MtaStsMode m : MODES) {
      if (v.equalsIgnoreCase(m.token())) {
        hint = caseHint(v, m.token());
      }
    }
    error(ProblemCode.POLICY_INVALID_MODE, line, col(vs), "mode", "mode value " + Text.quote(v)
        + " is not one of 'enforce', 'testing' or 'none'" + hint);
  }

  private void maxAge(int line, int vs, int ve) {
    if (duplicate(line, maxAgeLine, "max_age")) {
      return;
    }
    maxAgeLine = line;
    if (emptyValue(line, vs, ve, "max_age")) {
      return;
    }
    long v = 0;
    boolean digits = ve - vs <= 10;
    for (int i = vs; i < ve && digits; i++) {
      char c = s.charAt(i);
      digits = c >= '0' && c <= '9';
      v = v * 10 + (c - '0');
    }
    if (!digits) {
      error(ProblemCode.POLICY_INVALID_MAX_AGE, line, col(vs), "max_age", "max_age value "
          + Text.quote(s.substring(vs, ve)) + " is not 1 to 10 digits (a number of seconds)");
    } else if (v > MAX_AGE_LIMIT) {
      error(ProblemCode.POLICY_MAX_AGE_TOO_LARGE, line, col(vs), "max_age", "max_age " + v
          + " is above the maximum of 31557600 seconds (one year); use at most 31557600");
    } else {
      maxAge = v;
    }
  }

  private void mx(int line, int vs, int ve) {
    mxLines++;
    if (emptyValue(line, vs, ve, "mx")) {
      return;
    }
    if (fastPaths && simpleMx(vs, ve)) {
      return;
    }
    int ws = indexOfWspOrComma(vs, ve);
    if (ws >= 0) {
      String v = s.substring(vs, ve);
      boolean list = true;
      for (String part : v.split("[ \t,]+", -1)) {
        list &= !part.isEmpty() && DomainNames.checkDomain(part, 0, part.length()) == null;
      }
      if (list) {
        error(ProblemCode.POLICY_MX_LIST, line, col(vs), "mx", "mx value " + Text.quote(v)
            + " holds several hosts; put each pattern on its own 'mx:' line");
      } else {
        error(ProblemCode.POLICY_INVALID_MX, line, col(ws), "mx", "mx value " + Text.quote(v)
            + " is not a single host name or '*.' pattern (it contains " + Text.describe(s.charAt(ws)) + ")");
      }
      return;
    }
    int me = ve;
    if (s.charAt(me - 1) == '.' && isValidPattern(vs, me - 1)) {
      String v = s.substring(vs, ve);
      if (!lenient) {
        error(ProblemCode.POLICY_MX_TRAILING_DOT, line, col(me - 1), "mx", "mx value "
            + Text.quote(v) + " ends with a dot; write " + Text.quote(v.substring(0, v.length() - 1)));
        return;
      }
      warning(ProblemCode.POLICY_MX_TRAILING_DOT, line, col(me - 1), "mx", "mx value "
          + Text.quote(v) + " ends with a dot; read as " + Text.quote(v.substring(0, v.length() - 1)));
      me--;
    }
    boolean wildcard = me - vs >= 2 && s.charAt(vs) == '*' && s.charAt(vs + 1) == '.';
    int ds = wildcard ? vs + 2 : vs;
    String v = s.substring(vs, me);
    for (int i = ds; i < me; i++) {
      if (s.charAt(i) >= 0x80) {
        String suggestion = DomainNames.suggestALabel(v);
        error(ProblemCode.POLICY_MX_U_LABEL, line, col(vs), "mx", "mx value " + Text.quote(v)
            + " must be written in A-label (Punycode) form"
            + (suggestion == null ? "" : ": " + Text.quote(suggestion)));
        return;
      }
    }
    if (indexOf('*', ds, me) >= 0) {
      error(ProblemCode.POLICY_INVALID_MX, line, col(indexOf('*', ds, me)), "mx", "mx value "
          + Text.quote(v) + " has a '*' that is not the whole left-most label; write '*.example.com'");
      return;
    }
    if (ds < me && s.charAt(ds) == '[') {
      error(ProblemCode.POLICY_INVALID_MX, line, col(ds), "mx", "mx value " + Text.quote(v)
          + " is an address literal; MX patterns are host names");
      return;
    }
    String problem = DomainNames.checkDomain(s, ds, me);
    if (problem != null) {
      error(ProblemCode.POLICY_INVALID_MX, line, col(vs), "mx",
          "mx value " + Text.quote(v) + " is not a valid host name pattern: " + problem);
      return;
    }
    if (DomainNames.looksLikeIpv4(s, ds, me)) {
      warning(ProblemCode.POLICY_MX_IP_ADDRESS, line, col(vs), "mx", "mx value " + Text.quote(v)
          + " looks like an IP address; MX records name hosts, so it will hardly ever match");
    }
    addMx(MxPattern.trusted(Text.lowerAscii(v), wildcard));
  }

  /**
   * The common case of {@link #mx} in one pass: an ASCII letter-digit-hyphen host name or
   * {@code *.} pattern that the full checks would accept without a problem (labels of 1 to 63
   * characters that neither start nor end with '-', at most 253 characters after any {@code *.},
   * no trailing dot, a last label that is not all digits). Adds the pattern and returns
   * {@code true}; returns {@code false}, having done nothing, for anything else, which the full
   * checks then handle.
   */
  private boolean simpleMx(int vs, int ve) {
    final String s = this.s;
    boolean wildcard = ve - vs >= 2 && s.charAt(vs) == '*' && s.charAt(vs + 1) == '.';
    int ds = wildcard ? vs + 2 : vs;
    int len = ve - ds;
    if (len <= 0 || len > DomainNames.MAX_NAME_LENGTH) {
      return false;
    }
    int labelStart = ds;
    boolean digits = true;
    boolean upper = false;
    for (int i = ds; i < ve; i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        digits = false;
      } else if (c == '.') {
        if (!simpleLabel(labelStart, i)) {
          return false;
        }
        labelStart = i + 1;
        digits = true;
      } else if (c == '-') {
        digits = false;
      } else if (c >= 'A' && c <= 'Z') {
        digits = false;
        upper = true;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    if (digits || !simpleLabel(labelStart, ve)) {
      return false;
    }
    // Already lower case: a view on the body, which a cache keeps anyway (SEC-44).
    addMx(upper ? MxPattern.trusted(Text.lowerAscii(s.substring(vs, ve)), wildcard)
        : MxPattern.trusted(s, vs, ve, wildcard));
    return true;
  }

  private void addMx(MxPattern p) {
    if (mxMore != null) {
      mxMore.add(p);
    } else if (mx0 == null) {
      mx0 = p;
    } else if (mx1 == null) {
      mx1 = p;
    } else {
      mxMore = new ArrayList<>(8);
      mxMore.add(mx0);
      mxMore.add(mx1);
      mxMore.add(p);
    }
  }

  private List<MxPattern> mxList() {
    if (mxMore != null) {
      return mxMore;
    }
    if (mx0 == null) {
      return List.of();
    }
    return mx1 == null ? List.of(mx0) : List.of(mx0, mx1);
  }

  private boolean simpleLabel(int from, int to) {
    int len = to - from;
    return len > 0 && len <= DomainNames.MAX_LABEL_LENGTH && s.charAt(from) != '-'
        && s.charAt(to - 1) != '-';
  }

  /** Whether s[from, to) is a syntactically valid pattern, without reporting anything. */
  private boolean isValidPattern(int from, int to) {
    int ds = to - from >= 2 && s.charAt(from) == '*' && s.charAt(from + 1) == '.' ? from + 2 : from;
    return ds < to && DomainNames.checkDomain(s, ds, to) == null;
  }

  private void extension(int line, int nameStart, int nameEnd, int vs, int ve) {
    String name = s.substring(nameStart, nameEnd);
    String registered = registeredLookalike(name);
    if (registered != null) {
      if (caseLookalikes == null) {
        caseLookalikes = new ArrayList<>(2);
      }
      caseLookalikes.add(name);
      warning(ProblemCode.POLICY_FIELD_NAME_CASE, line, col(nameStart), name, "field '" + name
          + "' is read as an unknown extension, not as '" + registered
          + "': field names are case-sensitive");
    }
    if (emptyValue(line, vs, ve, name)) {
      return;
    }
    for (int i = vs; i < ve; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        error(ProblemCode.POLICY_INVALID_EXTENSION_VALUE, line, col(i), name, "extension field '"
            + name + "' value has " + Text.describe(c) + "; values are printable characters and spaces");
        return;
      }
    }
    if (extensions == null) {
      extensions = new ArrayList<>(2);
    } else {
      for (ExtensionField f : extensions) {
        if (f.name().equals(name)) {
          warning(ProblemCode.POLICY_DUPLICATE_FIELD, line, 1, name,
              "repeated field '" + name + "' is ignored; the first one wins");
          return;
        }
      }
    }
    extensions.add(new ExtensionField(name, s.substring(vs, ve)));
  }

  private void finish(int lf, int crlf) {
    if (versionLine == 0) {
      error(ProblemCode.POLICY_MISSING_VERSION, 0, 0, "version",
          "the required field 'version: STSv1' is missing" + lookalikeHint("version"));
    }
    if (modeLine == 0) {
      error(ProblemCode.POLICY_MISSING_MODE, 0, 0, "mode",
          "the required field 'mode' (enforce, testing or none) is missing" + lookalikeHint("mode"));
    }
    if (maxAgeLine == 0) {
      error(ProblemCode.POLICY_MISSING_MAX_AGE, 0, 0, "max_age",
          "the required field 'max_age' (seconds) is missing" + lookalikeHint("max_age"));
    }
    if (mxLines == 0 && mode != null && mode != MtaStsMode.NONE) {
      error(ProblemCode.POLICY_MISSING_MX, 0, 0, "mx", "mode '" + mode.token()
          + "' needs at least one 'mx:' line" + lookalikeHint("mx"));
    }
    if (lf > 0 && crlf > 0) {
      report(ProblemCode.POLICY_MIXED_LINE_ENDINGS, Severity.INFO, 0, 0, "",
          "the body mixes LF (" + lf + " lines) and CRLF (" + crlf + " lines) line endings");
    }
  }

  private String lookalikeHint(String registered) {
    if (caseLookalikes != null) {
      for (String name : caseLookalikes) {
        if (registered.equals(registeredLookalike(name))) {
          return " (there is a field '" + name + "', but field names are case-sensitive)";
        }
      }
    }
    return "";
  }

  private static @Nullable String registeredLookalike(String name) {
    String canonical = Text.lowerAscii(name).replace('-', '_');
    if (canonical.equals("maxage")) {
      canonical = "max_age";
    }
    for (String r : new String[] {"version", "mode", "max_age", "mx"}) {
      if (r.equals(canonical)) {
        return r;
      }
    }
    return null;
  }

  private static String caseHint(String value, String expected) {
    return value.equalsIgnoreCase(expected) ? " (values are case-sensitive: write '" + expected + "')"
        : "";
  }

  private int fieldId(int from, int to) {
    final String s = this.s;
    switch (to - from) {
      case 2:
        return s.charAt(from) == 'm' && s.charAt(from + 1) == 'x' ? FIELD_MX : FIELD_EXTENSION;
      case 4:
        return s.startsWith("mode", from) ? FIELD_MODE : FIELD_EXTENSION;
      case 7:
        if (s.startsWith("version", from)) {
          return FIELD_VERSION;
        }
        return s.startsWith("max_age", from) ? FIELD_MAX_AGE : FIELD_EXTENSION;
      default:
        return FIELD_EXTENSION;
    }
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private int indexOfWspOrComma(int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  private int col(int index) {
    return index - lineStart + 1;
  }

  private void error(ProblemCode code, int line, int column, String field, String message) {
    report(code, Severity.ERROR, line, column, field, message);
  }

  private void warning(ProblemCode code, int line, int column, String field, String message) {
    report(code, Severity.WARNING, line, column, field, message);
  }

  private void report(ProblemCode code, Severity severity, int line, int column, String field,
      String message) {
    if (problems == null) {
      problems = new ArrayList<>(4);
    }
    problems.add(new ParseProblem(code, severity, line, column, field, message));
    hasError |= severity == Severity.ERROR;
  }

  private List<ParseProblem> problemList() {
    return problems == null ? List.of() : problems;
  }
}
