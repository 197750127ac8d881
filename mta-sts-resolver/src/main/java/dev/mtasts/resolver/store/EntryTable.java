package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A hash table of entries keyed by their domain, with open addressing and linear probing: one
 * array slot per entry and no node objects (SEC-45). It grows at three quarters full and shrinks
 * below one eighth, so it holds between 4 and 11 bytes of slots per entry (compressed
 * references). Not thread-safe: {@link InMemoryPolicyStore} guards it with one lock.
 */
final class EntryTable {
  private static final int MIN_CAPACITY = 16;

  private @Nullable StoredPolicy[] slots = new StoredPolicy[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  /**
   * Returns the first entry at or after a slot, wrapping around: a uniform-enough sample for
   * eviction without a scan.
   *
   * @param from any int; taken modulo the capacity
   * @return an entry, or {@code null} when the table is empty
   */
  @Nullable StoredPolicy sample(int from) {
    if (size == 0) {
      return null;
    }
    int mask = slots.length - 1;
    for (int i = from & mask; ; i = (i + 1) & mask) {
      StoredPolicy e = slots[i];
      if (e != null) {
        return e;
      }
    }
  }

  @Nullable StoredPolicy get(PolicyDomain domain) {
    int mask = slots.length - 1;
    for (int i = home(domain, mask); ; i = (i + 1) & mask) {
      StoredPolicy e = slots[i];
      if (e == null || e.domain().equals(domain)) {
        return e;
      }
    }
  }

  /** Adds the entry, replacing the one for the same domain. */
  void put(StoredPolicy entry) {
    int mask = slots.length - 1;
    for (int i = home(entry.domain(), mask); ; i = (i + 1) & mask) {
      StoredPolicy e = slots[i];
      if (e == null) {
        slots[i] = entry;
        if (++size > slots.length / 4 * 3) {
          resize(slots.length * 2);
        }
        return;
      }
      if (e.domain().equals(entry.domain())) {
        slots[i] = entry;
        return;
      }
    }
  }

  /** Removes the entry for the domain, if any, shifting later entries of its run back. */
  void remove(PolicyDomain domain) {
    int mask = slots.length - 1;
    int i = home(domain, mask);
    while (true) {
      StoredPolicy e = slots[i];
      if (e == null) {
        return;
      }
      if (e.domain().equals(domain)) {
        break;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: no tombstones, so lookups stay short after many deletes.
    int hole = i;
    for (int j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      StoredPolicy e = slots[j];
      if (e == null) {
        break;
      }
      int h = home(e.domain(), mask);
      // e may move into the hole unless its home lies cyclically in (hole, j].
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        slots[hole] = e;
        hole = j;
      }
    }
    slots[hole] = null;
    size--;
    if (slots.length > MIN_CAPACITY && size < slots.length / 8) {
      resize(slots.length / 2);
    }
  }

  /** Returns a new list of the entries, in no particular order. */
  List<StoredPolicy> values() {
    List<StoredPolicy> out = new ArrayList<>(size);
    for (StoredPolicy e : slots) {
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private void resize(int capacity) {
    @Nullable StoredPolicy[] old = slots;
    slots = new StoredPolicy[capacity];
    int mask = capacity - 1;
    for (StoredPolicy e : old) {
      if (e != null) {
        int i = home(e.domain(), mask);
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = e;
      }
    }
  }

  private static int home(PolicyDomain domain, int mask) {
    int h = domain.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
