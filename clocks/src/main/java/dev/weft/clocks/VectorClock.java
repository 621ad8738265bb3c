package dev.weft.clocks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A vector clock: one counter per process, which characterises causality exactly (Fidge,
 * "Timestamps in Message-Passing Systems That Preserve the Partial Ordering", ACSC 1988; Mattern,
 * "Virtual Time and Global States of Distributed Systems", 1989). An immutable value; process ids
 * are strings and a process that is absent has counter 0.
 *
 * {@snippet :
 * VectorClock clock = VectorClock.empty();
 * clock = clock.increment("a");                   // local or send event at process a
 * VectorClock sent = clock;                       // put it on the message
 * VectorClock atB = VectorClock.empty().increment("b");
 * atB = atB.merge(sent).increment("b");           // receive at b: merge, then increment
 * assert sent.happenedBefore(atB);
 * }
 *
 * <p>Each process keeps its latest clock. A local or send event increments the process's own entry;
 * a receive event merges the message's clock and then increments its own entry. Then event <i>e</i>
 * happened before <i>f</i> exactly when {@code vc(e).happenedBefore(vc(f))}: every entry is less
 * than or equal and one is less. Two events are concurrent when neither happened before the other.
 *
 * <p><b>Pruning.</b> A vector grows by one entry for every process that has ever touched it. When a
 * process leaves for good, {@link #prune(String)} and {@link #retainOnly(Collection)} drop its
 * entry. This costs causality information: dropping an entry can only make two clocks look more
 * ordered, never less, so a pair that was {@code CONCURRENT} may afterwards compare as {@code
 * BEFORE}, {@code AFTER} or {@code EQUAL}, and a {@code BEFORE} pair may become {@code EQUAL}.
 * Comparisons stay exact if (a) every clock that will be compared has the entry dropped, and (b)
 * all of them had the same value for it, which holds once the departed process's last event is in
 * the causal past of every clock still in use (the process announced its departure and every live
 * process has received that announcement, directly or transitively). Comparing a pruned clock with
 * one that still carries the entry treats the pruned one as never having seen that process, which
 * is wrong for it if it had. Pruning copies the vector: O(n) time and space.
 *
 * <p><b>Performance.</b> The clock is two sorted parallel arrays, process ids and counters; {@link
 * #compare} and {@link #merge} walk both clocks once (O(n + m)) and {@link #get} and {@link
 * #increment} binary-search (O(log n), plus a copy of the counters for {@code increment}). Ids are
 * interned, so entries of two clocks match by reference; a clock made by incrementing or merging
 * shares its id array with its source when the set of processes did not change, and two clocks that
 * share one compare counter by counter without looking at ids. A merge whose result equals one of
 * its inputs returns that input, so a receive that brings nothing new keeps the old clock.
 *
 * <p>{@link #equals} and {@link #hashCode} are by value, and zero entries are never stored, so
 * explicit zeros (as in {@link #of(Map)}) equal absent entries.
 */
public final class VectorClock {
  /*
   * Implementation overview. The textbook vector clock is a map from process to counter; here it
   * is two parallel arrays, ids sorted by String.compareTo and counters, with no zero entries. The
   * form is canonical (equal clocks have equal arrays), so equals is array equality and the wire
   * encoding is the arrays in order.
   *
   *   ids     [ "a",  "b",  "d" ]     interned (ProcessIds), shared between clocks when unchanged
   *   counts  [  3,    1,    7  ]     every entry >= 1; a new array for every new clock
   *
   * merge: if both clocks have the same ids (the same array, or equal element by element, which
   * interning makes a reference check), one pass computes the element-wise max and whether each
   * side is ahead somewhere; if one side is ahead nowhere the other is returned and the new array
   * dropped. Otherwise a merge-join counts the union and checks dominance, then a second one fills
   * the arrays. compare: one merge-join that stops as soon as both sides are ahead somewhere.
   */
  private static final String[] NO_IDS = new String[0];
  private static final long[] NO_COUNTS = new long[0];
  private static final VectorClock EMPTY = new VectorClock(NO_IDS, NO_COUNTS);

  // ids: strictly ascending by String.compareTo, interned; counts: parallel, every one >= 1.
  // Never mutated after construction; ids arrays are shared between clocks.
  private final String[] ids;
  private final long[] counts;
  private int hash; // 0 until computed; racy single-check is fine for an immutable value

  private VectorClock(String[] ids, long[] counts) {
    this.ids = ids;
    this.counts = counts;
  }

  /**
   * Returns the clock with every counter at zero.
   *
   * @return the empty clock
   */
  public static VectorClock empty() {
    return EMPTY;
  }

  /**
   * Returns a clock with the given counters; zero counters are dropped.
   *
   * @param counters process id to counter
   * @return the clock
   * @throws IllegalArgumentException if a counter is negative
   * @throws NullPointerException if the map, a key or a value is null
   */
  public static VectorClock of(Map<String, Long> counters) {
    TreeMap<String, Long> sorted = new TreeMap<>();
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      String id = Objects.requireNonNull(e.getKey(), "process id");
      long count = Objects.requireNonNull(e.getValue(), "counter");
      if (count < 0) {
        throw new IllegalArgumentException("counter of " + id + " is negative: " + count);
      }
      if (count > 0) {
        sorted.put(id, count);
      }
    }
    if (sorted.isEmpty()) {
      return EMPTY;
    }
    String[] ids = new String[sorted.size()];
    long[] counts = new long[ids.length];
    int i = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      ids[i] = ProcessIds.intern(e.getKey());
      counts[i++] = e.getValue();
    }
    return new VectorClock(ids, counts);
  }

  /**
   * Returns the counter of {@code process}.
   *
   * @param process a process id
   * @return its counter, 0 if absent
   */
  public long get(String process) {
    int i = indexOf(process);
    return i >= 0 ? counts[i] : 0;
  }

  /**
   * Returns this clock with the counter of {@code process} one higher: a local or send event at
   * that process.
   *
   * @param process the process where the event happens
   * @return the new clock
   * @throws ArithmeticException if the counter is already {@link Long#MAX_VALUE}
   */
  public VectorClock increment(String process) {
    int i = indexOf(process);
    if (i >= 0) {
      long[] next = counts.clone();
      next[i] = Math.incrementExact(next[i]);
      return new VectorClock(ids, next);
    }
    int at = -i - 1;
    int n = ids.length;
    String[] nextIds = new String[n + 1];
    long[] nextCounts = new long[n + 1];
    System.arraycopy(ids, 0, nextIds, 0, at);
    System.arraycopy(counts, 0, nextCounts, 0, at);
    nextIds[at] = ProcessIds.intern(process);
    nextCounts[at] = 1;
    System.arraycopy(ids, at, nextIds, at + 1, n - at);
    System.arraycopy(counts, at, nextCounts, at + 1, n - at);
    return new VectorClock(nextIds, nextCounts);
  }

  /**
   * Returns the element-wise maximum of this clock and {@code other}, without incrementing. A
   * receive event at process {@code p} is {@code local.merge(remote).increment(p)}.
   *
   * <p>Commutative, associative and idempotent; the result is the least clock that both happened
   * before or equal. When the result equals this clock or {@code other}, that instance is returned.
   *
   * @param other the clock to merge
   * @return the merged clock
   */
  public VectorClock merge(VectorClock other) {
    String[] a = ids;
    String[] b = other.ids;
    int n = a.length;
    if (n == b.length) {
      // The common case: the same processes. One pass computes the maximum and which side is
      // ahead where; it gives up at the first id that differs.
      long[] x = counts;
      long[] y = other.counts;
      long[] max = new long[n];
      boolean less = false;
      boolean greater = false;
      int k = 0;
      if (a == b) {
        for (; k < n; k++) {
          long d = x[k] - y[k]; // both positive: no overflow
          less |= d < 0;
          greater |= d > 0;
          max[k] = d >= 0 ? x[k] : y[k];
        }
      } else {
        for (; k < n && (a[k] == b[k] || a[k].equals(b[k])); k++) {
          long d = x[k] - y[k];
          less |= d < 0;
          greater |= d > 0;
          max[k] = d >= 0 ? x[k] : y[k];
        }
      }
      if (k == n) {
        if (!less) {
          return this;
        }
        return greater ? new VectorClock(a, max) : other;
      }
    }
    return mergeUnaligned(other);
  }

  private VectorClock mergeUnaligned(VectorClock other) {
    String[] a = ids;
    String[] b = other.ids;
    int n = a.length;
    int m = b.length;
    if (m == 0) {
      return this;
    }
    if (n == 0) {
      return other;
    }
    long[] x = counts;
    long[] y = other.counts;
    // First pass: the size of the union, and whether one side already dominates.
    int union = 0;
    boolean thisHasMore = false;
    boolean otherHasMore = false;
    for (int i = 0, j = 0; i < n || j < m; union++) {
      int c = i == n ? 1 : j == m ? -1 : compareIds(a[i], b[j]);
      if (c == 0) {
        thisHasMore |= x[i] > y[j];
        otherHasMore |= y[j] > x[i];
        i++;
        j++;
      } else if (c < 0) {
        thisHasMore = true;
        i++;
      } else {
        otherHasMore = true;
        j++;
      }
    }
    if (!otherHasMore) {
      return this;
    }
    if (!thisHasMore) {
      return other;
    }
    String[] ids = new String[union];
    long[] counts = new long[union];
    for (int i = 0, j = 0, k = 0; k < union; k++) {
      int c = i == n ? 1 : j == m ? -1 : compareIds(a[i], b[j]);
      if (c == 0) {
        ids[k] = a[i];
        counts[k] = Math.max(x[i++], y[j++]);
      } else if (c < 0) {
        ids[k] = a[i];
        counts[k] = x[i++];
      } else {
        ids[k] = b[j];
        counts[k] = y[j++];
      }
    }
    return new VectorClock(ids, counts);
  }

  /**
   * Compares this clock with {@code other} by causality.
   *
   * @param other the clock to compare with
   * @return {@link Causality#BEFORE} if this happened before {@code other} (less or equal in every
   *     entry, less in one), {@link Causality#AFTER} if after, {@link Causality#EQUAL} if equal in
   *     every entry, {@link Causality#CONCURRENT} otherwise
   */
  public Causality compare(VectorClock other) {
    String[] a = ids;
    String[] b = other.ids;
    long[] x = counts;
    long[] y = other.counts;
    boolean less = false;
    boolean greater = false;
    if (a == b) {
      for (int i = 0; i < x.length; i++) {
        long d = x[i] - y[i]; // both positive: no overflow
        less |= d < 0;
        greater |= d > 0;
      }
      return causality(less, greater);
    }
    int n = a.length;
    int m = b.length;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      String p = a[i];
      String q = b[j];
      int c = p == q ? 0 : p.compareTo(q);
      if (c == 0) {
        long d = x[i++] - y[j++];
        less |= d < 0;
        greater |= d > 0;
      } else if (c < 0) {
        greater = true; // this has an entry other lacks
        i++;
      } else {
        less = true;
        j++;
      }
      if (less && greater) {
        return Causality.CONCURRENT;
      }
    }
    greater |= i < n;
    less |= j < m;
    return causality(less, greater);
  }

  private static Causality causality(boolean less, boolean greater) {
    if (less) {
      return greater ? Causality.CONCURRENT : Causality.BEFORE;
    }
    return greater ? Causality.AFTER : Causality.EQUAL;
  }

  /**
   * Tells whether this clock happened before {@code other}: less than or equal in every entry and
   * less in at least one.
   *
   * @param other the clock to compare with
   * @return {@code compare(other) == Causality.BEFORE}
   */
  public boolean happenedBefore(VectorClock other) {
    return compare(other) == Causality.BEFORE;
  }

  /**
   * Tells whether neither clock happened before the other and they are not equal.
   *
   * @param other the clock to compare with
   * @return {@code compare(other) == Causality.CONCURRENT}
   */
  public boolean isConcurrentWith(VectorClock other) {
    return compare(other) == Causality.CONCURRENT;
  }

  /**
   * Returns this clock without the entry of {@code process}, a process that has left. See the class
   * documentation for what pruning costs in causality.
   *
   * @param process the departed process
   * @return the pruned clock; this clock if it has no entry for {@code process}
   */
  public VectorClock prune(String process) {
    int i = indexOf(process);
    if (i < 0) {
      return this;
    }
    int n = ids.length;
    String[] nextIds = new String[n - 1];
    long[] nextCounts = new long[n - 1];
    System.arraycopy(ids, 0, nextIds, 0, i);
    System.arraycopy(counts, 0, nextCounts, 0, i);
    System.arraycopy(ids, i + 1, nextIds, i, n - i - 1);
    System.arraycopy(counts, i + 1, nextCounts, i, n - i - 1);
    return new VectorClock(nextIds, nextCounts);
  }

  /**
   * Returns this clock with only the entries of {@code members}, dropping every process that has
   * left. See the class documentation for what pruning costs in causality.
   *
   * @param members the processes to keep
   * @return the pruned clock; this clock if nothing is dropped
   * @throws NullPointerException if {@code members} is null or contains null
   */
  public VectorClock retainOnly(Collection<String> members) {
    Set<String> keep = new HashSet<>();
    for (String member : members) {
      keep.add(Objects.requireNonNull(member, "members contains null"));
    }
    int n = ids.length;
    int kept = 0;
    for (String id : ids) {
      if (keep.contains(id)) {
        kept++;
      }
    }
    if (kept == n) {
      return this;
    }
    String[] nextIds = new String[kept];
    long[] nextCounts = new long[kept];
    for (int i = 0, k = 0; i < n; i++) {
      if (keep.contains(ids[i])) {
        nextIds[k] = ids[i];
        nextCounts[k++] = counts[i];
      }
    }
    return new VectorClock(nextIds, nextCounts);
  }

  /**
   * Returns the number of processes with a non-zero counter.
   *
   * @return the number of entries
   */
  public int size() {
    return ids.length;
  }

  /**
   * Returns the processes with a non-zero counter, in ascending order.
   *
   * @return an unmodifiable list of process ids
   */
  public List<String> processes() {
    return Collections.unmodifiableList(Arrays.asList(ids));
  }

  /**
   * Returns the non-zero counters as a map, in ascending order of process id.
   *
   * @return a new unmodifiable map from process id to counter
   */
  public Map<String, Long> toMap() {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      map.put(ids[i], counts[i]);
    }
    return Collections.unmodifiableMap(map);
  }

  private int indexOf(String process) {
    Objects.requireNonNull(process, "process");
    int lo = 0;
    int hi = ids.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareIds(ids[mid], process);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  private static int compareIds(String p, String q) {
    return p == q ? 0 : p.compareTo(q);
  }

  private static boolean sameIds(String[] a, String[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && !a[i].equals(b[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the size of this clock's encoding.
   *
   * @return the number of bytes {@link #toBytes()} returns
   * @throws IllegalArgumentException if a process id cannot be encoded (an unpaired surrogate, or
   *     more than 1024 UTF-8 bytes)
   */
  public int encodedSize() {
    int size = 1 + Wire.varintSize(ids.length);
    for (int i = 0; i < ids.length; i++) {
      size += Wire.stringSize(ids[i]) + Wire.varintSize(counts[i]);
    }
    return size;
  }

  /**
   * Encodes this clock in the format described in the {@linkplain dev.weft.clocks package
   * documentation}.
   *
   * @return a new array holding the encoding
   * @throws IllegalArgumentException if a process id cannot be encoded (an unpaired surrogate, or
   *     more than 1024 UTF-8 bytes)
   */
  public byte[] toBytes() {
    return Wire.toBytes(encodedSize(), this::write);
  }

  /**
   * Writes this clock's encoding at the buffer's position and advances it.
   *
   * @param out where to write
   * @throws java.nio.BufferOverflowException if fewer than {@link #encodedSize()} bytes remain;
   *     nothing is written
   * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
   * @throws IllegalArgumentException if a process id cannot be encoded
   */
  public void writeTo(ByteBuffer out) {
    Wire.writeTo(out, encodedSize(), this::write);
  }

  private void write(ByteBuffer out) {
    out.put(Wire.header(Wire.KIND_VECTOR));
    Wire.putVarint(out, ids.length);
    for (int i = 0; i < ids.length; i++) {
      Wire.putString(out, ids[i]);
      Wire.putVarint(out, counts[i]);
    }
  }

  /**
   * Decodes a clock that fills the whole array.
   *
   * @param bytes an encoding made by {@link #toBytes()}
   * @return the clock
   * @throws ClockDecodingException if the bytes are not exactly one valid encoding
   */
  public static VectorClock fromBytes(byte[] bytes) {
    return Wire.fromBytes(bytes, VectorClock::read);
  }

  /**
   * Decodes one clock starting at the buffer's position and advances the position past it; bytes
   * after it are left for the caller. On failure the position is unchanged.
   *
   * @param in the buffer to read
   * @return the clock
   * @throws ClockDecodingException if no valid encoding starts at the position
   */
  public static VectorClock readFrom(ByteBuffer in) {
    return Wire.readFrom(in, VectorClock::read);
  }

  private static VectorClock read(Wire.Reader in) {
    in.header(Wire.KIND_VECTOR, "VectorClock");
    long n = in.varint("the number of entries");
    // Each entry takes at least 2 bytes (an empty id's length and a counter), so a count the
    // remaining input cannot hold is refused before the arrays are allocated.
    if (n > in.remaining() / 2) {
      throw in.error(
          "truncated input: "
              + n
              + " entries claimed but only "
              + in.remaining()
              + " bytes follow (at least 2 per entry)");
    }
    if (n == 0) {
      return EMPTY;
    }
    String[] ids = new String[(int) n];
    long[] counts = new long[(int) n];
    for (int i = 0; i < n; i++) {
      String id = in.processId();
      if (i > 0 && ids[i - 1].compareTo(id) >= 0) {
        throw in.error(
            "malformed vector clock: process ids out of order or repeated: "
                + quote(ids[i - 1])
                + " then "
                + quote(id));
      }
      long count = in.varint("the counter of " + quote(id));
      if (count == 0) {
        throw in.error("malformed vector clock: zero counter for " + quote(id));
      }
      ids[i] = id;
      counts[i] = count;
    }
    return new VectorClock(ids, counts);
  }

  private static String quote(String id) {
    return "\"" + (id.length() > 40 ? id.substring(0, 40) + "..." : id) + "\"";
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof VectorClock other)) {
      return false;
    }
    return Arrays.equals(counts, other.counts) && (ids == other.ids || sameIds(ids, other.ids));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < ids.length; i++) {
        h += ids[i].hashCode() ^ Long.hashCode(counts[i]); // as Map.Entry: equals toMap()'s hash
      }
      hash = h;
    }
    return h;
  }

  /**
   * Returns the non-zero entries in ascending order of process id, as in {@code {a=2, b=1}}.
   *
   * @return a readable form
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(ids[i]).append('=').append(counts[i]);
    }
    return s.append('}').toString();
  }
}
