package dev.weft.clocks;

/**
 * How two vector clocks, and so the events they stamp, are ordered by causality. The result of
 * {@code a.compare(b)} describes {@code a} relative to {@code b}.
 */
public enum Causality {
  /** {@code a} happened before {@code b}: less than or equal everywhere, less somewhere. */
  BEFORE,
  /** {@code a} happened after {@code b}: greater than or equal everywhere, greater somewhere. */
  AFTER,
  /** The clocks are equal in every entry (missing entries count as zero). */
  EQUAL,
  /** Neither happened before the other: each is greater somewhere. */
  CONCURRENT;

  /**
   * Returns the relation seen from the other side: {@code BEFORE} and {@code AFTER} swap, {@code
   * EQUAL} and {@code CONCURRENT} stay. {@code a.compare(b).reversed() == b.compare(a)}.
   *
   * @return the converse relation
   */
  public Causality reversed() {
    if (this == BEFORE) {
      return AFTER;
    }
    return this == AFTER ? BEFORE : this;
  }
}
