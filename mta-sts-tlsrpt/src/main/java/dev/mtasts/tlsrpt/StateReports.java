package dev.mtasts.tlsrpt;

import dev.mtasts.tlsrpt.internal.StateDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The bodies of the TLS-RPT state files: reports as RFC 8460 JSON, gzip-compressed, written by
 * {@link ReportJson} and read back by {@link ReportParser}, strictly (a warning makes the file
 * invalid, since a file this library wrote never causes one).
 */
final class StateReports {
  /** The largest JSON a state file may hold once decompressed: 256 MiB. */
  static final int MAX_JSON_BYTES = 256 << 20;

  private static final ReportParser PARSER = ReportParser.builder()
      .maxInputBytes(StateDirectory.MAX_FILE_BYTES)
      .maxJsonBytes(MAX_JSON_BYTES)
      .maxStringLength(1 << 17)
      .build();

  private StateReports() {}

  /**
   * Compresses a report for a state file.
   *
   * @throws IOException if the report cannot be written or its JSON exceeds the limit
   */
  static byte[] gzip(TlsRptReport report) throws IOException {
    byte[] json;
    try {
      json = ReportJson.toJson(report);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (json.length > MAX_JSON_BYTES) {
      throw new IOException("the state would take " + json.length + " bytes of JSON, more than the limit of "
          + MAX_JSON_BYTES);
    }
    return ReportJson.gzip(json);
  }

  /**
   * Reads a report back from a state file.
   *
   * @throws IllegalArgumentException if it is not a report that this library wrote
   */
  static TlsRptReport parse(byte[] gzip) {
    ReportParseOutcome outcome = PARSER.parse(gzip);
    if (outcome instanceof ReportParseOutcome.Rejected rejected) {
      throw new IllegalArgumentException("the stored report cannot be read: " + rejected.message());
    }
    ReportParseOutcome.Parsed parsed = (ReportParseOutcome.Parsed) outcome;
    if (!parsed.warnings().isEmpty()) {
      throw new IllegalArgumentException("the stored report is not as written: " + parsed.warnings());
    }
    return parsed.report();
  }

  /**
   * Reads a URI from a state file.
   *
   * @throws IllegalArgumentException if it is not a URI
   */
  static URI uri(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + e.getMessage(), e);
    }
  }
}
