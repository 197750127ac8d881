package dev.mtasts.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsaRecordTest {
  private static final String SHA256 = "AB".repeat(32);
  private static final String SHA512 = "cd".repeat(64);

  @Test
  @DisplayName("APP-18: DANE-TA and DANE-EE with a well-formed digest or full data are usable")
  void daneUsagesWithWellFormedDataAreUsable() {
    assertThat(new TlsaRecord(3, 1, 1, SHA256).isUsableForSmtp()).isTrue();
    assertThat(new TlsaRecord(2, 0, 2, SHA512).isUsableForSmtp()).isTrue();
    assertThat(new TlsaRecord(3, 0, 0, "3082").isUsableForSmtp()).isTrue();
    assertThat(new TlsaRecord(3, 1, 1, SHA256).data()).isEqualTo("ab".repeat(32));
  }

  @Test
  @DisplayName("APP-18: PKIX usages, unknown fields and malformed digests are unusable for SMTP")
  void pkixUsagesUnknownFieldsAndBadDigestsAreUnusable() {
    assertThat(new TlsaRecord(0, 1, 1, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(1, 1, 1, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(4, 1, 1, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(3, 2, 1, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(3, 1, 3, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(3, 1, 1, SHA512).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(3, 1, 2, SHA256).isUsableForSmtp()).isFalse();
    assertThat(new TlsaRecord(3, 0, 0, "").isUsableForSmtp()).isFalse();
  }

  @Test
  void fieldsOutsideAnOctetAndNonHexDataAreRejected() {
    assertThatThrownBy(() -> new TlsaRecord(256, 1, 1, SHA256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TlsaRecord(3, -1, 1, SHA256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TlsaRecord(3, 1, 1, "abc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TlsaRecord(3, 1, 1, "zz"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
