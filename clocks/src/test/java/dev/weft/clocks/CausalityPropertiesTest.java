package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random message-passing executions, with the happened-before relation computed from the execution
 * itself (Lamport 1978: program order, send before receive, transitively) and compared with what
 * the clocks say. Replay a failure with {@code -Dweft.seed=N}.
 */
class CausalityPropertiesTest {
  private record Event(int process, long lamport, VectorClock vector, BitSet past) {}

  private record Message(int to, long lamport, VectorClock vector, int sendEvent) {}

  /** Generates one execution of {@code n} processes and about {@code steps} events. */
  private static List<Event> execute(SplittableRandom r, int n, int steps) {
    String[] names = new String[n];
    LamportClock[] lamport = new LamportClock[n];
    VectorClock[] vector = new VectorClock[n];
    int[] lastEvent = new int[n];
    for (int i = 0; i < n; i++) {
      names[i] = "P" + i;
      lamport[i] = new LamportClock();
      vector[i] = VectorClock.empty();
      lastEvent[i] = -1;
    }
    List<Event> events = new ArrayList<>();
    List<Message> inFlight = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      int kind = r.nextInt(3);
      int p;
      long time;
      BitSet past = new BitSet();
      if (kind == 2 && !inFlight.isEmpty()) { // receive any message, in any order
        Message m = inFlight.remove(r.nextInt(inFlight.size()));
        p = m.to();
        time = lamport[p].receive(m.lamport());
        vector[p] = vector[p].merge(m.vector()).increment(names[p]);
        past.or(events.get(m.sendEvent()).past());
        past.set(m.sendEvent());
      } else {
        p = r.nextInt(n);
        time = kind == 1 ? lamport[p].send() : lamport[p].tick();
        vector[p] = vector[p].increment(names[p]);
      }
      if (lastEvent[p] >= 0) {
        past.or(events.get(lastEvent[p]).past());
        past.set(lastEvent[p]);
      }
      int index = events.size();
      events.add(new Event(p, time, vector[p], past));
      lastEvent[p] = index;
      if (kind == 1) {
        int to = r.nextInt(n);
        inFlight.add(new Message(to, time, vector[p], index));
      }
    }
    return events;
  }

  @Test
  void vectorClocksCharacteriseHappenedBeforeAndLamportRespectsIt() throws Exception {
    Seeds.check(
        150,
        (r, seed) -> {
          List<Event> events = execute(r, 2 + r.nextInt(5), 60 + r.nextInt(140));
          for (int f = 0; f < events.size(); f++) {
            Event ef = events.get(f);
            for (int e = 0; e < events.size(); e++) {
              Event ee = events.get(e);
              boolean hb = ef.past().get(e);
              boolean after = ee.past().get(f);
              int ie = e;
              int jf = f;
              assertEquals(
                  hb,
                  ee.vector().happenedBefore(ef.vector()),
                  () -> "event " + ie + " -> " + jf + ": " + ee.vector() + " vs " + ef.vector());
              if (hb) {
                assertTrue(ee.lamport() < ef.lamport(), "happened-before implies smaller time");
              }
              boolean concurrent = e != f && !hb && !after;
              assertEquals(concurrent, ee.vector().isConcurrentWith(ef.vector()));
              if (e == f) {
                assertEquals(Causality.EQUAL, ee.vector().compare(ef.vector()));
              }
            }
          }
        });
  }

  @Test
  void lamportTimestampsOrderAllEventsTotallyAndConsistently() throws Exception {
    Seeds.check(
        100,
        (r, seed) -> {
          List<Event> events = execute(r, 2 + r.nextInt(4), 100);
          List<LamportTimestamp> stamps = new ArrayList<>();
          for (Event e : events) {
            stamps.add(new LamportTimestamp(e.lamport(), "P" + e.process()));
          }
          assertEquals(stamps.size(), stamps.stream().distinct().count(), "distinct events differ");
          for (int f = 0; f < events.size(); f++) {
            for (int e = 0; e < events.size(); e++) {
              if (events.get(f).past().get(e)) {
                assertTrue(stamps.get(e).compareTo(stamps.get(f)) < 0);
              }
            }
          }
        });
  }
}
