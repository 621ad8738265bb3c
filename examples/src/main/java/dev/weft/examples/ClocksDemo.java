package dev.weft.examples;

import dev.weft.clocks.HybridLogicalClock;
import dev.weft.clocks.HybridTimestamp;
import dev.weft.clocks.LamportClock;
import dev.weft.clocks.VectorClock;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * dev.weft.clocks: three processes exchange messages; each event's Lamport time, vector clock and
 * hybrid timestamp, and which events are concurrent.
 */
final class ClocksDemo {
  private ClocksDemo() {}

  /** What a message carries: the sender's three clocks at the send event. */
  private record Message(String name, long lamport, VectorClock vector, HybridTimestamp hybrid) {}

  /** One recorded event. */
  private record Event(
      String name, String what, long lamport, VectorClock vector, HybridTimestamp hybrid) {}

  /** A process with all three clocks; its physical clock is the shared one plus a skew. */
  private static final class Process {
    final String id;
    final LamportClock lamport = new LamportClock();
    VectorClock vector = VectorClock.empty();
    final HybridLogicalClock hybrid;
    int events;

    Process(String id, AtomicLong physical, long skewMillis) {
      this.id = id;
      this.hybrid = new HybridLogicalClock(() -> physical.get() + skewMillis, 1_000);
    }

    Event local(String what) {
      long t = lamport.tick();
      vector = vector.increment(id);
      return record(what, t, hybrid.now());
    }

    Event send(String what, Map<String, Message> wire, String message) {
      long t = lamport.send();
      vector = vector.increment(id);
      Event e = record(what, t, hybrid.now());
      wire.put(message, new Message(message, t, vector, e.hybrid()));
      return e;
    }

    Event receive(String what, Map<String, Message> wire, String message) {
      Message m = wire.remove(message);
      long t = lamport.receive(m.lamport());
      vector = vector.merge(m.vector()).increment(id);
      return record(what, t, hybrid.update(m.hybrid()));
    }

    private Event record(String what, long t, HybridTimestamp h) {
      return new Event(id.toLowerCase() + (++events), what, t, vector, h);
    }
  }

  static void run(PrintStream out) {
    Demo.heading(out, "5. Logical clocks: three processes exchange messages");
    AtomicLong physical = new AtomicLong(1_700_000_000_000L);
    Process a = new Process("A", physical, 0);
    Process b = new Process("B", physical, -40); // B's physical clock is 40 ms slow
    Process c = new Process("C", physical, 25); // C's is 25 ms fast
    Map<String, Message> wire = new LinkedHashMap<>();
    List<Event> events = new ArrayList<>();

    events.add(a.local("local event"));
    events.add(a.send("send m1 to B", wire, "m1"));
    physical.addAndGet(3);
    events.add(b.local("local event"));
    events.add(c.send("send m2 to A", wire, "m2"));
    physical.addAndGet(5);
    events.add(b.receive("receive m1 from A", wire, "m1"));
    events.add(b.send("send m3 to C", wire, "m3"));
    physical.addAndGet(2);
    events.add(c.local("local event"));
    events.add(a.receive("receive m2 from C", wire, "m2"));
    physical.addAndGet(4);
    events.add(c.receive("receive m3 from B", wire, "m3"));
    events.add(a.local("local event"));

    out.println(
        "  B's physical clock is 40 ms slow and C's 25 ms fast. Hybrid: wall part in ms after");
    out.println("  the start, and the logical counter c.");
    out.println();
    out.printf(
        "  %-5s %-20s %7s  %-16s %s%n", "event", "what", "Lamport", "vector clock", "hybrid");
    long start = physical.get() - 14;
    for (Event e : events) {
      out.printf(
          "  %-5s %-20s %7d  %-16s %+4d ms, c=%d%n",
          e.name(),
          e.what(),
          e.lamport(),
          e.vector(),
          e.hybrid().wallMillis() - start,
          e.hybrid().logical());
    }
    out.println();
    List<String> concurrent = new ArrayList<>();
    String misleading = null;
    for (int i = 0; i < events.size(); i++) {
      for (int j = i + 1; j < events.size(); j++) {
        Event x = events.get(i);
        Event y = events.get(j);
        if (x.vector().isConcurrentWith(y.vector())) {
          concurrent.add(x.name() + " || " + y.name());
          if (misleading == null && x.lamport() != y.lamport()) {
            misleading =
                String.format(
                    "  Lamport times order %s (%d) and %s (%d), yet neither happened before the"
                        + " other:%n  only the vector clocks can tell.",
                    x.name(), x.lamport(), y.name(), y.lamport());
          }
        }
      }
    }
    out.println("  concurrent pairs (" + concurrent.size() + "):");
    for (int i = 0; i < concurrent.size(); i += 6) {
      out.println(
          "    " + String.join("   ", concurrent.subList(i, Math.min(i + 6, concurrent.size()))));
    }
    if (misleading != null) {
      out.println(misleading);
    }
    Event send = events.get(1);
    Event received = events.get(4);
    out.printf(
        "  %s happened before %s: vector %s < %s, Lamport %d < %d, hybrid %s < %s,%n"
            + "  although B's physical clock read earlier at the receive than A's at the send.%n",
        send.name(),
        received.name(),
        send.vector(),
        received.vector(),
        send.lamport(),
        received.lamport(),
        "(" + (send.hybrid().wallMillis() - start) + ", " + send.hybrid().logical() + ")",
        "(" + (received.hybrid().wallMillis() - start) + ", " + received.hybrid().logical() + ")");
    out.println();
  }
}
