package dev.mtasts.core.dns;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One TLSA record (RFC 6698 §2.1): how a TLS server's certificate is to be matched.
 *
 * @param usage the certificate usage field, 0 to 255 (0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE)
 * @param selector the selector field, 0 to 255 (0 full certificate, 1 SubjectPublicKeyInfo)
 * @param matchingType the matching type field, 0 to 255 (0 exact, 1 SHA-256, 2 SHA-512)
 * @param data the certificate association data as lower-case hexadecimal, possibly empty
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6698#section-2.1">RFC 6698 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-3.1">RFC 7672 §3.1</a>
 */
public record TlsaRecord(int usage, int selector, int matchingType, String data) {
  private static final int SHA256_BYTES = 32;
  private static final int SHA512_BYTES = 64;

  /**
   * Validates the fields and lower-cases the data.
   *
   * @param usage the {@code usage} component
   * @param selector the {@code selector} component
   * @param matchingType the {@code matchingType} component
   * @param data the {@code data} component
   * @throws IllegalArgumentException if a field is outside 0 to 255 or the data is not hexadecimal
   *     with an even number of digits
   */
  public TlsaRecord {
    Objects.requireNonNull(data, "data");
    requireOctet(usage, "usage");
    requireOctet(selector, "selector");
    requireOctet(matchingType, "matchingType");
    data = data.toLowerCase(Locale.ROOT);
    // parseHex throws IllegalArgumentException on an odd length or a non-hex digit.
    HexFormat.of().parseHex(data);
  }

  /**
   * Tells whether an SMTP client may use this record to authenticate a server (RFC 7672 §3.1):
   * usage DANE-TA(2) or DANE-EE(3) (PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP, §3.1.3),
   * selector 0 or 1, matching type 0 with some data, or 1 or 2 with a digest of the right length
   * (RFC 7671 §4; malformed data makes a record unusable).
   *
   * @return whether the record is usable for DANE SMTP
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-3.1.3">RFC 7672 §3.1.3</a>
   */
  public boolean isUsableForSmtp() {
    if (usage != 2 && usage != 3) {
      return false;
    }
    if (selector != 0 && selector != 1) {
      return false;
    }
    int bytes = data.length() / 2;
    return switch (matchingType) {
      case 0 -> bytes > 0;
      case 1 -> bytes == SHA256_BYTES;
      case 2 -> bytes == SHA512_BYTES;
      default -> false;
    };
  }

  private static void requireOctet(int value, String field) {
    if (value < 0 || value > 0xFF) {
      throw new IllegalArgumentException("TLSA " + field + " must be 0 to 255, not " + value);
    }
  }
}
