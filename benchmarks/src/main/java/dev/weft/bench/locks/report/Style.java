package dev.weft.bench.locks.report;

import java.util.Map;

/**
 * How a strategy (or a replication scheme) looks in charts and what family it belongs to: JDK locks
 * are solid lines, weft's Mutex and RWMutex thick solid lines, the spin locks of {@code
 * dev.weft.sync.locks} dashed, and reader-writer strategies dotted.
 *
 * @param label the name shown to readers
 * @param color an SVG colour
 * @param dash an SVG {@code stroke-dasharray}, or empty for a solid line
 * @param width the line width
 */
record Style(String label, String color, String dash, double width) {
  private static final String SOLID = "";
  private static final String DASHED = "7 4";
  private static final String DOTTED = "2 3";

  private static final Map<String, Style> KNOWN =
      Map.ofEntries(
          Map.entry("synchronized", new Style("synchronized", "#1f77b4", SOLID, 2)),
          Map.entry("ReentrantLock", new Style("ReentrantLock", "#ff7f0e", SOLID, 2)),
          Map.entry("ReentrantLock-fair", new Style("ReentrantLock (fair)", "#2ca02c", SOLID, 2)),
          Map.entry("Semaphore", new Style("Semaphore(1)", "#d62728", SOLID, 2)),
          Map.entry(
              "StampedLock-write", new Style("StampedLock (write lock)", "#9467bd", SOLID, 2)),
          Map.entry("Mutex", new Style("weft Mutex", "#111111", SOLID, 3.5)),
          Map.entry("TasLock", new Style("TasLock", "#8c564b", DASHED, 2)),
          Map.entry("TtasLock", new Style("TtasLock", "#e377c2", DASHED, 2)),
          Map.entry("BackoffLock", new Style("BackoffLock", "#7f7f7f", DASHED, 2)),
          Map.entry("TicketLock", new Style("TicketLock", "#bcbd22", DASHED, 2)),
          Map.entry("McsLock", new Style("McsLock", "#17becf", DASHED, 2)),
          Map.entry("ClhLock", new Style("ClhLock", "#393b79", DASHED, 2)),
          Map.entry(
              "ReentrantReadWriteLock",
              new Style("ReentrantReadWriteLock", "#e6550d", DOTTED, 2.5)),
          Map.entry(
              "StampedLock-optimistic",
              new Style("StampedLock (optimistic reads)", "#6a3d9a", DOTTED, 2.5)),
          Map.entry("RWMutex", new Style("weft RWMutex", "#111111", DOTTED, 3.5)),
          Map.entry(
              "RWMutex-optimistic",
              new Style("weft RWMutex (optimistic reads)", "#666666", DOTTED, 3.5)),
          // the replication schemes' chart (dev.weft.bench.report.ReplicationReport)
          Map.entry("Raft key-value", new Style("Raft key-value", "#111111", SOLID, 3)),
          Map.entry("primary-backup", new Style("primary-backup", "#1f77b4", SOLID, 2)),
          Map.entry("chain, tail reads", new Style("chain, tail reads", "#d62728", SOLID, 2)),
          Map.entry("chain, CRAQ reads", new Style("chain, CRAQ reads", "#2ca02c", DASHED, 2)));

  private static final String[] SPARE = {
    "#a6761d", "#1b9e77", "#e7298a", "#66a61e", "#7570b3", "#d95f02"
  };

  /** The style of a strategy; one not known here gets a colour from its name. */
  static Style of(String strategy) {
    Style s = KNOWN.get(strategy);
    if (s != null) {
      return s;
    }
    return new Style(strategy, SPARE[Math.floorMod(strategy.hashCode(), SPARE.length)], SOLID, 2);
  }

  static String label(String strategy) {
    return of(strategy).label();
  }
}
