package dev.mtasts.postfix.internal;

import dev.mtasts.core.PolicyDomain;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a socketmap request ({@code name <space> key}, socketmap_table(5)) and decides which keys
 * can have an MTA-STS policy (PFX-4).
 *
 * <p>Two classes of bad input are told apart. A request that is not {@code name key} in UTF-8
 * without control characters is garbage that Postfix never sends: it is refused with {@code PERM}
 * and the connection is closed. A well-formed request whose key cannot have a policy gets
 * {@code NOTFOUND}, so that Postfix applies its own default: a next hop in brackets
 * ({@code [mx.example.com]}, {@code [192.0.2.1]:587}: routed by hand, no MX lookup, so not an
 * MTA-STS delivery, RFC 8461 §4.1), a key with a port, an address literal or IP address (TXT-15),
 * and anything that is not a valid domain name of at most 253 characters.
 */
public final class Requests {
  private Requests() {}

  /**
   * A well-formed request.
   *
   * @param name the table (zone) name
   * @param key the lookup key as sent
   */
  public record Request(String name, String key) {}

  /** A request that is not {@code name key} in UTF-8. */
  public static final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses a request payload.
   *
   * @param payload the netstring payload
   * @return the request
   * @throws MalformedRequestException if it is not UTF-8, holds a control character, or has no
   *     name or no key
   */
  public static Request parse(byte[] payload) throws MalformedRequestException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedRequestException("request is not UTF-8");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
        throw new MalformedRequestException("request holds a control character");
      }
    }
    int space = text.indexOf(' ');
    if (space <= 0 || space == text.length() - 1) {
      throw new MalformedRequestException("request is not 'name key'");
    }
    return new Request(text.substring(0, space), text.substring(space + 1));
  }

  /**
   * Returns the Policy Domain of a key, if the key can have an MTA-STS policy.
   *
   * @param key the lookup key
   * @return the domain, or empty for a key that gets {@code NOTFOUND}
   */
  public static Optional<PolicyDomain> domainOf(String key) {
    if (key.isEmpty() || key.charAt(0) == '[' || key.charAt(0) == '.' || key.indexOf(':') >= 0
        || key.indexOf(' ') >= 0 || key.length() > 253) {
      return Optional.empty();
    }
    try {
      return Optional.of(PolicyDomain.of(key));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
