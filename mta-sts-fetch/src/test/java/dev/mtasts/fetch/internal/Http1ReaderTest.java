package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict HTTP/1.1 response reader (RFC 9112), on in-memory input. */
class Http1ReaderTest {

  private static Http1Reader reader(String response) {
    return new Http1Reader(new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static ResponseHead head(String response) throws IOException {
    return reader(response).readHead();
  }

  private static byte[] body(String response, int cap) throws IOException {
    Http1Reader r = reader(response);
    Body b = r.readBody(Http1Reader.framing(r.readHead()), cap);
    assertThat(b).isInstanceOf(Body.Bytes.class);
    return ((Body.Bytes) b).bytes();
  }

  @Test
  void statusAndFieldsAreReadWithWhitespaceAroundValuesRemoved() throws Exception {
    ResponseHead h = head("HTTP/1.1 200 OK\r\nContent-Type: \t text/plain \t\r\ncontent-type:x\r\nEmpty:\r\n\r\n");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.all("CONTENT-TYPE")).containsExactly("text/plain", "x");
    assertThat(h.first("Empty")).contains("");
    assertThat(h.first("Missing")).isEmpty();
  }

  @Test
  void bareLineFeedsAndAMissingReasonPhraseAreAccepted() throws Exception {
    // RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator.
    ResponseHead h = head("HTTP/1.0 204\nA: b\n\n");
    assertThat(h.status()).isEqualTo(204);
    assertThat(h.all("A")).containsExactly("b");
  }

  @Test
  void interimResponsesAreSkippedButOnlyAFew() throws Exception {
    assertThat(head("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")
        .status()).isEqualTo(200);
    assertThatThrownBy(() -> head("HTTP/1.1 100 Continue\r\n\r\n".repeat(7) + "HTTP/1.1 200 OK\r\n\r\n"))
        .isInstanceOf(HttpProtocolException.class).hasMessageContaining("interim");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 x", "HTTP/1.1 600 x", "http/1.1 200 OK",
      "HTTP/1.1  200 OK", "ICY 200 OK", "HTTP/1.1 200OK", "HTTP/1.1 200 O\u0000K"})
  @DisplayName("FET-17: a malformed status line is refused")
  void malformedStatusLinesAreRefused(String statusLine) {
    assertThatThrownBy(() -> head(statusLine + "\r\n\r\n")).isInstanceOf(HttpProtocolException.class)
        .hasMessageContaining("malformed status line");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name : value", " Folded: value", "\tFolded: value", "NoColon", ": empty name",
      "Bad\u0001Name: x", "Nul: a\u0000b", "Cr: a\rb"})
  @DisplayName("FET-17: fields RFC 9112 §5 says to reject are refused")
  void malformedFieldsAreRefused(String field) {
    assertThatThrownBy(() -> head("HTTP/1.1 200 OK\r\nA: b\r\n" + field + "\r\n\r\n"))
        .isInstanceOf(HttpProtocolException.class);
  }

  @Test
  @DisplayName("SEC-12: a refused line is shown escaped")
  void aRefusedLineIsShownEscaped() {
    assertThatThrownBy(() -> head("HTTP/1.1 200 OK\r\nX\u001b[2J\u0085: y\r\n\r\n"))
        .isInstanceOf(HttpProtocolException.class).hasMessageContaining("X\\e[2J\\x85")
        .satisfies(e -> assertThat(e.getMessage().chars().filter(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)))
            .isEmpty());
  }

  @Test
  @DisplayName("SEC-8: the head budget is exact: 8192 bytes pass, 8193 do not")
  void theHeadBudgetIsExact() throws Exception {
    String start = "HTTP/1.1 200 OK\r\nX: ";
    String fits = start + "y".repeat(Http1Reader.MAX_HEAD_BYTES - start.length() - 4) + "\r\n\r\n";
    assertThat(fits).hasSize(Http1Reader.MAX_HEAD_BYTES);
    assertThat(head(fits).status()).isEqualTo(200);
    String over = start + "y".repeat(Http1Reader.MAX_HEAD_BYTES - start.length() - 3) + "\r\n\r\n";
    assertThatThrownBy(() -> head(over)).isInstanceOf(HttpProtocolException.class).hasMessageContaining("8192");
  }

  @Test
  @DisplayName("FET-17: identical Content-Length values are one length; leading zeros are digits")
  void identicalContentLengthsAreAccepted() throws Exception {
    assertThat(body("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabcdef", 10))
        .asString(StandardCharsets.US_ASCII).isEqualTo("abc");
  }

  @Test
  @DisplayName("FET-10: a declared length over the cap is refused unread")
  void aDeclaredLengthOverTheCapIsRefusedUnread() throws Exception {
    InputStream nothingAfterTheHead = new ByteArrayInputStream(
        "HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Http1Reader r = new Http1Reader(nothingAfterTheHead);
    assertThat(r.readBody(Http1Reader.framing(r.readHead()), 10))
        .isEqualTo(new Body.TooLarge(999_999_999_999_999_999L, true));
    assertThat(r.bodyBytes()).isZero();
  }

  @Test
  void aBodyThatEndsEarlyIsAnIoError() {
    assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100))
        .isInstanceOf(EOFException.class).hasMessageContaining("after 3 bytes");
    assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 100))
        .isInstanceOf(EOFException.class);
  }

  @Test
  @DisplayName("FET-10: a body delimited by the end of the connection is capped at one byte past the cap")
  void aCloseDelimitedBodyIsCapped() throws Exception {
    assertThat(body("HTTP/1.1 200 OK\r\n\r\n12345", 5)).hasSize(5);
    Http1Reader r = reader("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(100));
    assertThat(r.readBody(Http1Reader.framing(r.readHead()), 5)).isEqualTo(new Body.TooLarge(6, false));
  }

  @Test
  @DisplayName("FET-17: chunked is the only transfer coding, case-insensitively")
  void onlyChunkedIsAccepted() throws Exception {
    assertThat(body("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 10))
        .asString(StandardCharsets.US_ASCII).isEqualTo("abc");
    for (String te : new String[] {"gzip, chunked", "identity", "chunked, chunked"}) {
      assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n", 10))
          .isInstanceOf(HttpProtocolException.class).hasMessageContaining("Transfer-Encoding");
    }
  }

  @Test
  @DisplayName("SEC-8: trailers are bounded like the header section")
  void trailersAreBounded() {
    String trailers = "T: x\r\n".repeat(Http1Reader.MAX_HEADER_FIELDS + 1);
    assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailers + "\r\n", 10))
        .isInstanceOf(HttpProtocolException.class).hasMessageContaining("trailer section");
  }

  @Test
  void chunkDataMustEndWithALineEnd() {
    assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 10))
        .isInstanceOf(HttpProtocolException.class).hasMessageContaining("chunk");
  }
}
