package dev.weft.examples.metrics;

import dev.weft.raft.server.RaftMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A {@link RaftMetrics} that registers a Raft server's meters with a Micrometer {@link
 * MeterRegistry}; from there any Micrometer backend (Prometheus, OTLP, JMX...) publishes them.
 *
 * {@snippet :
 * MeterRegistry registry = new SimpleMeterRegistry(); // or PrometheusMeterRegistry, ...
 * RaftServer server = RaftServer.start(config, storage, machine, transport, options,
 *     new MicrometerRaftMetrics(registry));
 * }
 */
public final class MicrometerRaftMetrics implements RaftMetrics {
  private final MeterRegistry registry;

  /**
   * Registers meters with {@code registry}.
   *
   * @param registry the Micrometer registry
   */
  public MicrometerRaftMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public RaftMetrics.Counter counter(String name, String description, Map<String, String> tags) {
    // Micrometer's Counter, not the inherited RaftMetrics.Counter
    io.micrometer.core.instrument.Counter c =
        io.micrometer.core.instrument.Counter.builder(name)
            .description(description)
            .tags(tags(tags))
            .register(registry);
    return amount -> c.increment(amount);
  }

  @Override
  public void gauge(String name, String description, Map<String, String> tags, LongSupplier value) {
    Gauge.builder(name, value, v -> v.getAsLong())
        .description(description)
        .tags(tags(tags))
        .strongReference(true) // the supplier lives as long as the registry
        .register(registry);
  }

  private static List<Tag> tags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList();
  }
}
