package dev.mtasts.owner;

import dev.mtasts.core.MtaStsPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Policy ids as the generator makes them (TXT-4: 1 to 32 letters and digits).
 */
public final class PolicyIds {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private PolicyIds() {}

  /**
   * Derives an id from a policy's canonical text.
   *
   * @param policy the policy
   * @return 32 lower-case hex digits; equal exactly for equal policies
   */
  public static String contentId(MtaStsPolicy policy) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.toText().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Makes a timestamp id.
   *
   * @param now the time of generation
   * @return {@code yyyyMMddHHmmss} in UTC
   */
  public static String timestampId(Instant now) {
    return TIMESTAMP.format(now);
  }

  /**
   * Tells whether an id has the shape of a content id (32 lower-case hex digits), so that a
   * mismatch with the policy's content id means the policy changed without a new id.
   *
   * @param id a published id
   * @return {@code true} for 32 lower-case hex digits
   */
  public static boolean looksLikeContentId(String id) {
    if (id.length() != 32) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
