package dev.weft.replication.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.replication.View;
import dev.weft.replication.kv.KvOp;
import dev.weft.replication.sim.SimWorld;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.TraceEntry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The named scenarios of chain replication, each a story on reliable links in virtual time, with
 * both invariants checked after every event: the head, a middle server and the tail fail (the last
 * two with updates in flight); the chain is extended with a new tail; the new tail fails while it
 * catches up, and so does the tail it copies; a tail cut off from the chain but not from its
 * clients stops answering.
 */
class ChainScenarioTest {
  private ChainSim s;

  private ChainSim started(ChainServer.ReadMode mode) {
    s = new ChainSim(3, mode, c -> {}, false);
    s.w.awaitCondition(() -> ready(List.of("s1", "s2", "s3")), 5_000, "the first chain");
    return s;
  }

  /** The committed chain is {@code members}, every member synchronized, the master at rest. */
  private boolean ready(List<String> members) {
    View v = s.view();
    ChainMaster m = s.w.node("master");
    if (v == null || !v.members().equals(members) || v.joining() != null || m.changing()) {
      return false;
    }
    for (String id : members) {
      ChainServer c = s.w.node(id);
      if (c == null || !c.inspect().synced() || c.view().number() != v.number()) {
        return false;
      }
    }
    return true;
  }

  private void write(int n) {
    for (int i = 0; i < n; i++) {
      s.w.await(s.w.submit(i % 3, KvOp.put("k" + i, "v" + i)), 3_000);
    }
  }

  private void readBack(int n) {
    for (int i = 0; i < n; i++) {
      assertEquals("v" + i, s.w.await(s.w.submit(i % 3, KvOp.get("k" + i)), 5_000).value());
    }
  }

  @AfterEach
  void invariantsHeldAndTheHistoryIsLinearizable() {
    if (s != null) {
      assertTrue(s.violations.isEmpty(), () -> "invariant broken: " + s.violations.get(0));
      assertEquals(0, s.divergences());
      LinearizabilityChecker.Result r = s.w.check();
      assertTrue(r.linearizable(), r::describe);
    }
  }

  @Test
  void theHeadFails() {
    started(ChainServer.ReadMode.TAIL);
    write(5);
    s.w.crash("s1");
    s.w.awaitCondition(() -> ready(List.of("s2", "s3", "s4")), 10_000, "s2 heads; s4 joins");
    readBack(5);
    s.w.await(s.w.submit(0, KvOp.put("after", "1")), 3_000);
    assertEquals("1", s.server("s4").peek("after"));
  }

  @Test
  void aMiddleServerFailsWithUpdatesItHasNotPassedOn() {
    started(ChainServer.ReadMode.TAIL);
    write(3);
    s.w.await(s.w.submit(0, KvOp.put("x", "a")), 3_000);
    s.w.net.cut("s2", "s3"); // s2 takes the next update and cannot pass it on
    SimWorld.Submitted append = s.w.submit(0, KvOp.append("x", "b"));
    s.w.sim.runUntil(s.w.sim.now() + 30);
    assertEquals("ab", s.server("s2").peek("x"));
    assertEquals("a", s.server("s3").peek("x"), "s3 lacks the append");
    s.w.crash("s2");
    s.w.net.heal();
    s.w.await(append, 10_000); // s1 resends its Sent to s3 in the repaired chain
    assertEquals("ab", s.w.await(s.w.submit(1, KvOp.get("x")), 3_000).value(), "exactly once");
    s.w.awaitCondition(() -> ready(List.of("s1", "s3", "s4")), 10_000, "s4 joins as tail");
    readBack(3);
  }

  @Test
  void theTailFailsWithUpdatesItHasNotProcessed() {
    started(ChainServer.ReadMode.TAIL);
    s.w.await(s.w.submit(0, KvOp.put("x", "a")), 3_000);
    s.w.net.cut("s2", "s3");
    SimWorld.Submitted append = s.w.submit(0, KvOp.append("x", "b"));
    s.w.sim.runUntil(s.w.sim.now() + 30);
    assertFalse(append.done());
    s.w.crash("s3");
    s.w.net.heal();
    s.w.await(append, 10_000); // s2, the new tail, answers what it holds
    assertEquals("ab", s.w.await(s.w.submit(1, KvOp.get("x")), 3_000).value());
  }

  @Test
  void theChainIsExtendedWithANewTailThatHasEverything() {
    started(ChainServer.ReadMode.CRAQ);
    write(6);
    s.w.crash("s3");
    s.w.awaitCondition(() -> ready(List.of("s1", "s2", "s4")), 10_000, "s4 becomes the tail");
    for (int i = 0; i < 6; i++) {
      assertEquals("v" + i, s.server("s4").peek("k" + i), "s4 got the state");
    }
    readBack(6);
  }

  @Test
  void theJoiningTailFailsWhileItCatchesUp() {
    started(ChainServer.ReadMode.TAIL);
    write(4);
    s.w.crash("s3");
    s.w.awaitCondition(() -> "s4".equals(s.view().joining()), 10_000, "s4 joins");
    s.w.crash("s4");
    s.w.awaitCondition(() -> ready(List.of("s1", "s2", "s5")), 15_000, "s5 joins instead");
    readBack(4);
  }

  @Test
  void theTailFailsWhileANewTailCatchesUpFromIt() {
    started(ChainServer.ReadMode.TAIL);
    write(4);
    s.w.crash("s3");
    s.w.awaitCondition(() -> "s4".equals(s.view().joining()), 10_000, "s4 joins behind s2");
    SimWorld.Submitted during = s.w.submit(1, KvOp.put("during", "1"));
    s.w.crash("s2"); // the tail s4 copies fails: s4 goes on from s1
    s.w.await(during, 10_000);
    s.w.awaitCondition(
        () -> s.view().members().equals(List.of("s1", "s4")) || ready(List.of("s1", "s4", "s5")),
        15_000,
        "s4 becomes the tail after s1");
    readBack(4);
    assertEquals("1", s.w.await(s.w.submit(0, KvOp.get("during")), 5_000).value());
  }

  /**
   * A tail cut off from the chain, the master and the configuration service, but not from client 0,
   * which cannot reach the configuration service either: the master removes it once its lease has
   * run out, and it answers no read after that, so client 0 waits for the new chain.
   */
  @Test
  void aTailCutOffFromTheChainStopsAnsweringBeforeTheNewTailStarts() {
    started(ChainServer.ReadMode.TAIL);
    s.w.sim.keepTrace(true);
    s.w.await(s.w.submit(0, KvOp.put("x", "old")), 3_000);
    for (String o : List.of("s1", "s2", "s4", "s5", "master", "cfg1", "cfg2", "cfg3")) {
      s.w.net.cut("s3", o);
      s.w.net.cut(o, "s3");
    }
    for (String c : s.w.configIds) {
      s.w.net.cut("c0", c);
      s.w.net.cut(c, "c0");
    }
    s.w.awaitCondition(() -> !s.view().contains("s3"), 10_000, "s3 is removed");
    long removed = s.w.sim.now();
    s.w.await(s.w.submit(1, KvOp.put("x", "new")), 3_000);
    s.w.sim.runUntil(s.w.sim.now() + 10);
    SimWorld.Submitted read = s.w.submit(0, KvOp.get("x")); // to s3, still
    s.w.sim.runUntil(s.w.sim.now() + 500);
    s.w.net.reconnect("c0");
    assertEquals("new", s.w.await(read, 10_000).value());
    for (TraceEntry e : s.w.sim.trace()) {
      if (e.time() > removed && e.what().startsWith("send s3->c") && e.what().contains("reply")) {
        throw new AssertionError("the removed tail answered: " + e);
      }
    }
  }
}
