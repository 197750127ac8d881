package dev.mtasts.tlsrpt;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code policy} object of a report (RFC 8460 §4.4): which policy a session was checked
 * against. It is also the key under which {@link TlsRptRecorder} counts sessions, so two sessions
 * count together exactly when their policies are equal.
 *
 * <p>Build one with a factory: {@link #sts(PolicyDomain, MtaStsPolicy, String)} for a fetched
 * MTA-STS policy, {@link #stsWithoutPolicy(PolicyDomain)} when a policy fetch failed and no policy
 * is cached, {@link #noPolicyFound(PolicyDomain)}, or {@link #tlsa(PolicyDomain, List)} for DANE.
 * The canonical constructor takes anything a received report may hold (RPT-13).
 *
 * <pre>{@code
 * ReportPolicy p = ReportPolicy.sts(PolicyDomain.of("example.com"), policy, rawBody);
 * p.policyStrings();  // ["version: STSv1", "mode: testing", "mx: mx1.example.com", "max_age: 86400"]
 * p.mxHosts();        // ["mx1.example.com"]
 * }</pre>
 *
 * @param policyType the {@code policy-type}
 * @param policyStrings the {@code policy-string} lines: one per policy line for {@code sts}, one
 *     per TLSA record for {@code tlsa}, none for {@code no-policy-found} (RFC 8460 §4.5)
 * @param policyDomain the {@code policy-domain} in A-label form (RPT-10); {@code null} only in a
 *     received report that omits it (RPT-13)
 * @param mxHosts the {@code mx-host} patterns of the policy, written as a JSON array (RPT-11,
 *     erratum 6241); empty when the policy has none
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record ReportPolicy(
    PolicyType policyType, List<String> policyStrings, @Nullable String policyDomain, List<String> mxHosts) {

  /**
   * Copies the lists.
   *
   * @param policyType the {@code policyType} component
   * @param policyStrings the {@code policyStrings} component
   * @param policyDomain the {@code policyDomain} component
   * @param mxHosts the {@code mxHosts} component
   * @throws NullPointerException if a component other than {@code policyDomain}, or an element of
   *     a list, is null
   */
  public ReportPolicy {
    Objects.requireNonNull(policyType, "policyType");
    policyStrings = List.copyOf(policyStrings);
    mxHosts = List.copyOf(mxHosts);
  }

  /**
   * Describes a fetched MTA-STS policy: {@code policy-string} holds the lines of the body as
   * served, split on LF with any trailing CR removed (RFC 8460 §4.5; checklist h4), and
   * {@code mx-host} the policy's {@code mx} patterns in file order (RPT-11).
   *
   * @param domain the Policy Domain
   * @param policy the parsed policy, for its {@code mx} patterns
   * @param rawBody the body exactly as fetched, including any lines the lenient parser skipped
   * @return the policy descriptor
   */
  public static ReportPolicy sts(PolicyDomain domain, MtaStsPolicy policy, String rawBody) {
    List<String> mx = new ArrayList<>(policy.mx().size());
    for (MxPattern p : policy.mx()) {
      mx.add(p.toString());
    }
    return new ReportPolicy(PolicyType.STS, policyLines(rawBody), domain.name(), mx);
  }

  /**
   * Describes the policy of a successful fetch, with the body decoded as UTF-8.
   *
   * @param domain the Policy Domain
   * @param fetched the fetch outcome
   * @return the policy descriptor
   * @see #sts(PolicyDomain, MtaStsPolicy, String)
   */
  public static ReportPolicy sts(PolicyDomain domain, PolicyFetchOutcome.Fetched fetched) {
    return sts(domain, fetched.policy(), new String(fetched.body(), StandardCharsets.UTF_8));
  }

  /**
   * Describes an MTA-STS domain whose policy could not be obtained and of which no valid policy is
   * cached: {@code policy-type} {@code sts} with no {@code policy-string} and no {@code mx-host}.
   * Record {@code sts-policy-fetch-error}, {@code sts-webpki-invalid} or
   * {@code sts-policy-invalid} failures against it (APP-7).
   *
   * @param domain the Policy Domain
   * @return the policy descriptor
   */
  public static ReportPolicy stsWithoutPolicy(PolicyDomain domain) {
    return new ReportPolicy(PolicyType.STS, List.of(), domain.name(), List.of());
  }

  /**
   * Describes a domain with neither an MTA-STS nor a DANE policy, or with an MTA-STS policy in
   * mode {@code none} (checklist h3, as mox does).
   *
   * @param domain the Policy Domain
   * @return the policy descriptor
   */
  public static ReportPolicy noPolicyFound(PolicyDomain domain) {
    return new ReportPolicy(PolicyType.NO_POLICY_FOUND, List.of(), domain.name(), List.of());
  }

  /**
   * Describes a DANE policy, for callers that implement DANE (RFC 7672): {@code policy-domain} is
   * the TLSA base domain of the MX (RPT-1) and {@code policy-string} holds one TLSA record per
   * element, its four fields in presentation format separated by single spaces (RFC 8460 §4.5).
   *
   * @param tlsaBaseDomain the TLSA base domain, usually the MX host name
   * @param tlsaRecords the TLSA records, such as {@code "3 1 1 1F85...085D"}; runs of white space
   *     are collapsed to one space
   * @return the policy descriptor
   * @throws IllegalArgumentException if a record does not have four fields: three decimal numbers
   *     from 0 to 255 and a hexadecimal string
   */
  public static ReportPolicy tlsa(PolicyDomain tlsaBaseDomain, List<String> tlsaRecords) {
    List<String> out = new ArrayList<>(tlsaRecords.size());
    for (String r : tlsaRecords) {
      out.add(normalizeTlsa(r));
    }
    return new ReportPolicy(PolicyType.TLSA, out, tlsaBaseDomain.name(), List.of());
  }

  /**
   * Splits a policy body into {@code policy-string} lines: on LF, with one trailing CR removed from
   * each line and the empty string after a final line terminator dropped.
   */
  static List<String> policyLines(String body) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int n = body.length();
    while (start < n) {
      int lf = body.indexOf('\n', start);
      int end = lf < 0 ? n : lf;
      int e = end > start && body.charAt(end - 1) == '\r' ? end - 1 : end;
      lines.add(body.substring(start, e));
      if (lf < 0) {
        break;
      }
      start = lf + 1;
    }
    return lines;
  }

  private static String normalizeTlsa(String record) {
    String[] f = record.strip().split("\\s+");
    if (f.length != 4) {
      throw new IllegalArgumentException("a TLSA record has 4 fields (usage selector type data), not "
          + f.length + ": '" + record + "'");
    }
    for (int i = 0; i < 3; i++) {
      if (!f[i].matches("[0-9]{1,3}") || Integer.parseInt(f[i]) > 255) {
        throw new IllegalArgumentException("TLSA field " + (i + 1) + " must be 0 to 255: '" + record + "'");
      }
    }
    if (!f[3].matches("[0-9A-Fa-f]+")) {
      throw new IllegalArgumentException("TLSA data must be hexadecimal: '" + record + "'");
    }
    return f[0] + " " + f[1] + " " + f[2] + " " + f[3].toUpperCase(Locale.ROOT);
  }
}
