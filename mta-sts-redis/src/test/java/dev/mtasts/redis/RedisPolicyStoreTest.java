package dev.mtasts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.StoredPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The parts of {@link RedisPolicyStore} that need no server: decoding and the builder. */
class RedisPolicyStoreTest {
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  static final String POLICY = "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 600\n";

  /** A load-script reply: "ok" and the eight fields, with {@code overrides} at their 1-based positions. */
  static List<Object> reply(Object... overrides) {
    List<Object> r = new ArrayList<>(Arrays.asList(b("ok"), b("1"), b("example.com"), b("id1"), b("1767225600"),
        b("5"), b("1767226200"), b("999999999"), b(POLICY)));
    for (int i = 0; i < overrides.length; i += 2) {
      r.set((Integer) overrides[i], overrides[i + 1]);
    }
    return r;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String rejection(List<Object> reply) {
    try {
      RedisPolicyStore.decode(reply, DOMAIN);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError("not a rejection", e);
    }
    throw new AssertionError("accepted");
  }

  @Test
  @DisplayName("CAC-30: a well-formed reply is the exact entry")
  void aWellFormedReplyIsTheExactEntry() throws Exception {
    assertThat(RedisPolicyStore.decode(reply(), DOMAIN)).isEqualTo(new StoredPolicy(DOMAIN, "id1", POLICY,
        Instant.ofEpochSecond(1767225600, 5), Instant.ofEpochSecond(1767226200, 999_999_999)));
  }

  @Test
  @DisplayName("SEC-40: every damaged field is a rejection saying what is wrong, never another exception")
  void everyDamagedFieldIsARejection() {
    assertThat(rejection(reply(4, b("+1767225600")))).contains("fetched-s is not a decimal number");
    assertThat(rejection(reply(4, b("1e9")))).contains("fetched-s is not a decimal number");
    assertThat(rejection(reply(4, b("99999999999999999999")))).contains("fetched-s is not a decimal number");
    assertThat(rejection(reply(4, b("253402300800")))).contains("more than 253402300799");
    assertThat(rejection(reply(5, b("1000000000")))).contains("fetched-n is 1000000000");
    assertThat(rejection(reply(6, b("1767225599")))).contains("before fetchedAt");
    assertThat(rejection(reply(3, b("bad id!")))).contains("invalid policy id");
    assertThat(rejection(reply(2, b("other.example")))).contains("holds domain other.example");
    assertThat(rejection(reply(2, b("not a domain")))).isNotEmpty();
    assertThat(rejection(reply(1, b("2")))).contains("format version '2'");
    assertThat(rejection(reply(8, new byte[] {'v', (byte) 0xC3, '(', '\n'}))).contains("not valid UTF-8");
    assertThat(rejection(reply(8, b("version: STSv1\n")))).contains("not a valid policy");
    assertThat(rejection(reply(7, null))).contains("field expires-n is missing");
    assertThat(rejection(reply(7, 7L))).contains("field expires-n is missing");
    assertThat(rejection(reply().subList(0, 5))).contains("fields missing");
    assertThat(rejection(List.of(b("type"), b("string")))).contains("a Redis string, not a hash");
    assertThat(rejection(List.of(b("size"), b("70000")))).contains("more than the cap of 66560");
    assertThat(rejection(List.of(b("fields"), b("3")))).contains("a hash of 3 fields");
    assertThat(rejection(List.of())).contains("unexpected reply");
    assertThat(rejection(List.of(42L))).contains("unexpected reply");
  }

  @Test
  @DisplayName("CAC-30: a key prefix with glob characters matches only itself in SCAN")
  void globCharactersInThePrefixAreEscaped() {
    assertThat(RedisPolicyStore.globEscape("a*b?[c]\\:")).isEqualTo("a\\*b\\?\\[c\\]\\\\:");
    assertThat(RedisPolicyStore.globEscape(RedisPolicyStore.DEFAULT_KEY_PREFIX)).isEqualTo("mta-sts:policy:");
  }

  @Test
  @DisplayName("The builder is set-once and fails fast")
  void theBuilderIsSetOnceAndFailsFast() {
    assertThatThrownBy(() -> RedisPolicyStore.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("set a Redis URI or a client");
    assertThatThrownBy(() -> RedisPolicyStore.builder().uri("redis://127.0.0.1").uri("redis://127.0.0.1"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().uri("not a uri")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().grace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().keyPrefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().keyPrefix("a").keyPrefix("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().requestQueueSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().requestQueueSize(5).requestQueueSize(5))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().maxPendingWrites(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().retryInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("CAC-38: one Redis per store (URI, client, cluster URIs or cluster client), and no hash tag in the prefix")
  void oneRedisPerStoreAndNoHashTagInThePrefix() {
    assertThatThrownBy(() -> RedisPolicyStore.builder().uri("redis://127.0.0.1").clusterUris("redis://127.0.0.1:7000"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> RedisPolicyStore.builder().clusterUris("redis://127.0.0.1:7000").uri("redis://127.0.0.1"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().clusterUris("redis://127.0.0.1:7000", "not a uri"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisPolicyStore.builder().keyPrefix("mta-sts:{x}:")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hash tag");
    // A domain's lease and back-off keys share its hash tag, so one script may touch both.
    RedisPolicyStore store = RedisPolicyStore.builder().uri("redis://127.0.0.1:1").keyPrefix("p:").build();
    try {
      PolicyDomain d = PolicyDomain.of("example.com");
      assertThat(store.leaseKeyOf(d)).isEqualTo("p:!lease:{example.com}");
      assertThat(store.backoffKeyOf(d, "abc")).isEqualTo("p:!backoff:{example.com}:abc");
    } finally {
      store.close();
    }
  }
}
