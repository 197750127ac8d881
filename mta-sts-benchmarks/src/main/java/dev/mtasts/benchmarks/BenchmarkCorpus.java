package dev.mtasts.benchmarks;

import dev.mtasts.core.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inputs of the parse benchmarks: the valid entries of the real-world corpus
 * ({@code ../shared/corpus}, or the directory named by the system property {@value #PROPERTY}),
 * or a built-in sample of realistic inputs when no corpus is found.
 *
 * <p>The corpus is the better input because its mix of sizes, line endings and field orders is
 * what real policy hosts serve; the built-in sample keeps the benchmarks runnable in a clone that
 * does not have it.
 */
public final class BenchmarkCorpus {
  /** System property naming the corpus directory (the one holding {@code policies/INDEX.tsv}). */
  public static final String PROPERTY = "mtasts.corpus";

  private static final List<String> SAMPLE_POLICIES = List.of(
      "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n",
      "version: STSv1\r\nmode: enforce\r\nmx: aspmx.l.google.com\r\nmx: *.aspmx.l.google.com\r\n"
          + "mx: alt1.aspmx.l.google.com\r\nmax_age: 86400\r\n",
      "version: STSv1\nmode: testing\nmx: *.mail.protection.outlook.com\nmax_age: 604800\n",
      "version: STSv1\nmode: enforce\nmx: mx1.example.org\nmx: mx2.example.org\nmax_age: 1209600",
      "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n",
      "mode: enforce\nversion: STSv1\nmax_age: 31557600\nmx: *.mx.example.net\nmx: backup.example.net\n",
      "version: STSv1\nmode: enforce\nmx: mx01.mail.icloud.com\nmx: mx02.mail.icloud.com\n"
          + "mx: mx.example.de\nmx: *.eu.mailgun.org\nmax_age: 2592000\n",
      "version: STSv1\nmode: testing\nmx: smtp.example.co.uk\nmax_age: 604800\nreport: rua\n");

  private static final List<String> SAMPLE_STS_RECORDS = List.of(
      "v=STSv1; id=20190429T010101;",
      "v=STSv1; id=1608210175",
      "v=STSv1;id=2022051601",
      "v=STSv1; id=20240101000000Z",
      "v=STSv1; id=abc123");

  private static final List<String> SAMPLE_TLSRPT_RECORDS = List.of(
      "v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
      "v=TLSRPTv1;rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk",
      "v=TLSRPTv1; rua=mailto:a@example.com,https://report.example.com/tlsrpt",
      "v=TLSRPTv1; rua=https://tls-rpt.example.net/v1/report");

  private final String source;
  private final List<byte[]> policies;
  private final List<String> stsRecords;
  private final List<String> tlsRptRecords;

  private BenchmarkCorpus(String source, List<byte[]> policies, List<String> stsRecords,
      List<String> tlsRptRecords) {
    this.source = source;
    this.policies = List.copyOf(policies);
    this.stsRecords = List.copyOf(stsRecords);
    this.tlsRptRecords = List.copyOf(tlsRptRecords);
  }

  /**
   * Loads the corpus named by {@value #PROPERTY}, else the one at {@code ../shared/corpus} or
   * {@code ../../shared/corpus} from the working directory, else the built-in sample.
   *
   * @return the inputs
   */
  public static BenchmarkCorpus load() {
    return locate().map(BenchmarkCorpus::fromDirectory).orElseGet(BenchmarkCorpus::builtIn);
  }

  /**
   * Returns the built-in sample only.
   *
   * @return the sample
   */
  public static BenchmarkCorpus builtIn() {
    List<byte[]> bodies = new ArrayList<>();
    for (String p : SAMPLE_POLICIES) {
      bodies.add(p.getBytes(StandardCharsets.UTF_8));
    }
    return new BenchmarkCorpus("built-in sample", bodies, SAMPLE_STS_RECORDS, SAMPLE_TLSRPT_RECORDS);
  }

  private static Optional<Path> locate() {
    Corpus c = Corpus.configured();
    return c.present() ? Optional.of(c.dir()) : Optional.empty();
  }

  private static BenchmarkCorpus fromDirectory(Path dir) {
    Corpus c = new Corpus(dir);
    List<byte[]> bodies = c.policies().stream().filter(Corpus.PolicyFile::valid).map(Corpus.PolicyFile::bytes)
        .toList();
    return new BenchmarkCorpus(dir.toString(), bodies, Corpus.values(c.stsRecords(), true),
        Corpus.values(c.tlsRptRecords(), true));
  }

  /**
   * Tells where the inputs came from.
   *
   * @return the corpus directory, or {@code built-in sample}
   */
  public String source() {
    return source;
  }

  /**
   * Returns the valid policy bodies, exactly as served.
   *
   * @return the bodies; the caller must not modify the arrays
   */
  public List<byte[]> policies() {
    return policies;
  }

  /**
   * Returns the valid policy bodies decoded as UTF-8.
   *
   * @return the texts
   */
  public List<String> policyTexts() {
    List<String> texts = new ArrayList<>(policies.size());
    for (byte[] body : policies) {
      texts.add(new String(body, StandardCharsets.UTF_8));
    }
    return texts;
  }

  /**
   * Returns the valid {@code _mta-sts} TXT values.
   *
   * @return the values
   */
  public List<String> stsRecords() {
    return stsRecords;
  }

  /**
   * Returns the valid {@code _smtp._tls} TXT values.
   *
   * @return the values
   */
  public List<String> tlsRptRecords() {
    return tlsRptRecords;
  }
}
