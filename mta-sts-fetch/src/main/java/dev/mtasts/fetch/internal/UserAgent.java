package dev.mtasts.fetch.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The default {@code User-Agent}: {@code mta-sts-java/<version>}, the version read from a
 * resource the build filters, so that the jar and the test classes both carry the real one.
 */
public final class UserAgent {
  /** The product token. */
  public static final String PRODUCT = "mta-sts-java";

  private static final String DEFAULT = PRODUCT + "/" + version();

  private UserAgent() {}

  /**
   * Returns the default header value.
   *
   * @return {@code mta-sts-java/<version>}
   */
  public static String defaultValue() {
    return DEFAULT;
  }

  /**
   * Checks a header value given by a user.
   *
   * @param value the value
   * @return {@code value}
   * @throws IllegalArgumentException if it is blank or has characters outside visible ASCII and
   *     space
   */
  public static String check(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("the User-Agent must not be blank");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("the User-Agent may hold only visible ASCII and spaces;"
            + " found U+" + String.format("%04X", (int) c) + " at index " + i);
      }
    }
    return value;
  }

  private static String version() {
    String v = fromResource();
    if (v == null) {
      v = UserAgent.class.getPackage().getImplementationVersion();
    }
    return v == null ? "unknown" : v;
  }

  private static @Nullable String fromResource() {
    try (InputStream in = UserAgent.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      return v == null || v.isBlank() || v.contains("${") ? null : v.strip();
    } catch (IOException e) {
      return null;
    }
  }
}
