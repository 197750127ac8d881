package dev.mtasts.resolver;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A fixed-size table through which equal immutable values are shared (SEC-44): domains served the
 * same policy body, or publishing the same TXT record (a hosting provider's customers, whose
 * {@code _mta-sts} names are CNAMEs of the provider's), then hold one copy.
 *
 * <p>Memory stays bounded whatever the network serves: the table has {@value #SLOTS} slots, one
 * value each, and callers offer only values up to a size cap; nothing else is kept. A key maps to
 * one slot (no chains, no resizing). A value found is marked as used; an offered value takes its
 * slot unless the value there was used since it was last passed over, so a value many domains
 * share keeps its slot against a stream of one-off values, while a value nobody asks for again
 * leaves within two offers. Sharing is best effort: a value that does not get a slot is simply
 * kept by its domain alone, exactly as without the table.
 *
 * <p>Thread-safe without locks: slots hold immutable entries of immutable values, and a lost race
 * only loses one sharing opportunity.
 *
 * @param <K> the key, compared with {@code equals}
 * @param <V> the shared value
 */
final class SharingTable<K, V> {
  /** Slots per table: 512, a power of two. */
  static final int SLOTS = 512;

  private final AtomicReferenceArray<@Nullable Slot<K, V>> slots = new AtomicReferenceArray<>(SLOTS);

  /** One shared value; {@code used} is a hint, so its races are harmless. */
  private static final class Slot<K, V> {
    final K key;
    final V value;
    volatile boolean used;

    Slot(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  /**
   * Returns the value shared under {@code key}, or {@code null}.
   *
   * @param key the key
   * @return the shared value, or {@code null} when none is
   */
  @Nullable V get(K key) {
    Slot<K, V> s = slots.get(index(key));
    if (s != null && s.key.equals(key)) {
      if (!s.used) {
        s.used = true;
      }
      return s.value;
    }
    return null;
  }

  /**
   * Offers a value for sharing under {@code key}; it takes its slot unless the value there was
   * used since it was last passed over.
   *
   * @param key the key
   * @param value the value
   */
  void offer(K key, V value) {
    int i = index(key);
    Slot<K, V> s = slots.get(i);
    if (s != null && s.used) {
      s.used = false;
      return;
    }
    slots.set(i, new Slot<>(key, value));
  }

  /**
   * Returns the shared value equal to {@code value}, sharing {@code value} itself when there is
   * none yet.
   *
   * @param value a value that is its own key
   * @param <T> its type
   * @param table a table whose keys and values are that type
   * @return an equal shared value, or {@code value}
   */
  static <T> T share(SharingTable<T, T> table, T value) {
    T shared = table.get(value);
    if (shared != null) {
      return shared;
    }
    table.offer(value, value);
    return value;
  }

  /** How many slots hold a value; for tests. */
  int size() {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) {
      if (slots.get(i) != null) {
        n++;
      }
    }
    return n;
  }

  /** The slot of a key; for tests. */
  static int index(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
