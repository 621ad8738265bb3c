package dev.weft.clocks;

/** Ignores every report; see {@link HybridClockListener#none()}. */
enum SilentHybridClockListener implements HybridClockListener {
  INSTANCE
}
