package dev.weft.raft.server;

import java.util.Map;
import java.util.function.LongSupplier;

/** {@link RaftMetrics#none()}: counters that do nothing, gauges never read. */
enum NoMetrics implements RaftMetrics {
  INSTANCE;

  private static final Counter NOTHING = amount -> {};

  @Override
  public Counter counter(String name, String description, Map<String, String> tags) {
    return NOTHING;
  }

  @Override
  public void gauge(
      String name, String description, Map<String, String> tags, LongSupplier value) {}
}
