package dev.weft.replication.pb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.replication.View;
import dev.weft.replication.kv.KvOp;
import dev.weft.replication.sim.SimWorld;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.TraceEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The named scenarios of primary-backup, each a story on reliable links in virtual time: the
 * primary fails before forwarding; the backup fails and a new one gets the state; the primary is
 * cut off from the configuration service but not from its clients, and then from its backup too
 * (split brain).
 */
class PbScenarioTest {
  private static PbSim started() {
    PbSim s = new PbSim(1, p -> {}, false);
    s.w.awaitCondition(s::stable, 5_000, "the first view [pb1, pb2] with its state");
    return s;
  }

  private static void assertLinearizable(SimWorld w) {
    LinearizabilityChecker.Result r = w.check();
    assertTrue(r.linearizable(), r::describe);
  }

  @Test
  void thePrimaryFailsBeforeForwarding() {
    PbSim s = started();
    SimWorld w = s.w;
    w.await(w.submit(0, KvOp.put("x", "a")), 2_000);
    w.net.cut("pb1", "pb2"); // what pb1 forwards next never leaves
    SimWorld.Submitted append = w.submit(0, KvOp.append("x", "b"));
    w.sim.runUntil(w.sim.now() + 20); // pb1 has applied the append and is waiting for pb2
    assertFalse(append.done(), "answered before the backup acknowledged");
    w.crash("pb1");
    w.net.heal();
    w.await(append, 5_000); // the client retries at the new primary, pb2
    View v = s.view();
    assertEquals("pb2", v.first(), "the backup took over: " + v);
    assertEquals(
        "ab", w.await(w.submit(1, KvOp.get("x")), 2_000).value(), "applied once, not lost");
    assertLinearizable(w);
  }

  @Test
  void theBackupFailsAndANewOneGetsTheState() {
    PbSim s = started();
    SimWorld w = s.w;
    for (int i = 0; i < 5; i++) {
      w.await(w.submit(0, KvOp.put("k" + i, "v" + i)), 2_000);
    }
    w.crash("pb2");
    w.awaitCondition(
        () -> s.stable() && !s.view().contains("pb2"), 5_000, "a new backup with the state");
    String backup = s.view().backup();
    assertNotEquals("pb2", backup);
    for (int i = 0; i < 5; i++) {
      assertEquals("v" + i, s.server(backup).peek("k" + i), "transferred state of " + backup);
    }
    w.crash("pb1"); // now the new backup must take over with everything
    w.awaitCondition(
        () -> s.view() != null && s.view().first().equals(backup), 5_000, backup + " leads");
    for (int i = 0; i < 5; i++) {
      assertEquals("v" + i, w.await(w.submit(1, KvOp.get("k" + i)), 5_000).value());
    }
    assertLinearizable(w);
  }

  @Test
  void thePrimaryCutOffFromTheConfigurationServiceKeepsServingWhileItsBackupFollows() {
    PbSim s = started();
    SimWorld w = s.w;
    for (String c : w.configIds) {
      w.net.cut("pb1", c);
      w.net.cut(c, "pb1");
    }
    long view = s.view().number();
    for (int i = 0; i < 10; i++) {
      w.await(w.submit(i % 3, KvOp.append("x", "" + i)), 2_000);
    }
    assertEquals(view, s.view().number(), "nothing to change: the backup still hears pb1");
    assertEquals("0123456789", w.await(w.submit(0, KvOp.get("x")), 2_000).value());
    assertLinearizable(w);
  }

  /**
   * Split brain: pb1 is cut off from the configuration service and from every server, but not from
   * its clients. pb2 takes over; client 0, cut off from the configuration service too, still sends
   * to pb1. pb1 takes the requests and forwards them, but pb2 refuses every message of the old
   * view, so pb1 answers nothing after the new view, and client 0 waits until it can read the new
   * view.
   */
  @Test
  void anOldPrimaryCutOffFromItsBackupAnswersNothingThatANewerViewContradicts() {
    SplitBrain run = splitBrain(p -> {});
    assertEquals(0, run.answersFromOldPrimary, "pb1 answered after the new view");
    assertEquals("new", run.lastRead, "the read came from the new view");
    assertLinearizable(run.s.w);
  }

  /** The same story with a primary that answers gets alone: its stale read is caught. */
  @Test
  void aPrimaryThatAnswersReadsAloneServesAStaleReadInASplitBrain() {
    SplitBrain run = splitBrain(p -> p.plantReadLocally(true));
    assertTrue(run.answersFromOldPrimary > 0);
    assertEquals("old", run.lastRead);
    assertFalse(run.s.w.check().linearizable(), "the checker must refuse the stale read");
  }

  private record SplitBrain(PbSim s, long answersFromOldPrimary, String lastRead) {}

  private static SplitBrain splitBrain(java.util.function.Consumer<PbServer> plant) {
    PbSim s = new PbSim(2, plant, false);
    SimWorld w = s.w;
    w.sim.keepTrace(true);
    w.awaitCondition(s::stable, 5_000, "the first view");
    w.await(w.submit(0, KvOp.put("x", "old")), 2_000);
    List<String> cutFromOldPrimary = new java.util.ArrayList<>(w.configIds);
    cutFromOldPrimary.addAll(List.of("pb2", "pb3", "pb4"));
    for (String o : cutFromOldPrimary) {
      w.net.cut("pb1", o);
      w.net.cut(o, "pb1");
    }
    for (String c : w.configIds) {
      w.net.cut("c0", c); // client 0 cannot learn the new view
      w.net.cut(c, "c0");
    }
    w.awaitCondition(() -> s.view().number() > 1 && s.ready(), 5_000, "pb2 takes over");
    long newView = w.sim.now();
    w.await(w.submit(1, KvOp.put("x", "new")), 2_000);
    w.sim.runUntil(w.sim.now() + 10); // the read begins strictly after the write returned
    SimWorld.Submitted read = w.submit(0, KvOp.get("x")); // to pb1, still
    w.sim.runUntil(w.sim.now() + 1_000);
    w.net.reconnect("c0"); // now client 0 may find the new view
    String value = w.await(read, 5_000).value();
    long fromOld = 0;
    for (TraceEntry e : w.sim.trace()) {
      if (e.time() > newView && e.what().startsWith("send pb1->c") && e.what().contains("reply")) {
        fromOld++;
      }
    }
    return new SplitBrain(s, fromOld, value);
  }
}
