package dev.weft.testkit.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.lin.KeyValueModel.Op;
import dev.weft.testkit.lin.KeyValueModel.Result;
import dev.weft.testkit.lin.LinearizabilityChecker.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker on hand-written histories that are, and are not, linearizable. */
class LinearizabilityCheckerTest {
  private static final KeyValueModel KV = new KeyValueModel();

  private static Operation<Op, Result> op(int client, Op in, Result out, long call, long ret) {
    return Operation.of(client, in, out, call, ret);
  }

  private static LinearizabilityChecker.Result check(List<Operation<Op, Result>> h) {
    return LinearizabilityChecker.check(KV, h);
  }

  @Test
  void aSequentialHistoryIsLinearizable() {
    var h =
        List.of(
            op(0, Op.put("x", "1"), Result.done(), 0, 1),
            op(0, Op.get("x"), Result.read("1"), 2, 3),
            op(0, Op.append("x", "2"), Result.done(), 4, 5),
            op(0, Op.get("x"), Result.read("12"), 6, 7),
            op(0, Op.cas("x", "12", "3"), Result.of(true), 8, 9),
            op(0, Op.cas("x", "12", "4"), Result.of(false), 10, 11),
            op(0, Op.delete("x"), Result.of(true), 12, 13),
            op(0, Op.delete("x"), Result.of(false), 14, 15),
            op(0, Op.get("x"), Result.read(null), 16, 17));
    assertTrue(check(h).linearizable(), check(h).describe());
  }

  @Test
  void concurrentWritesMayTakeEffectInEitherOrder() {
    var w1 = op(1, Op.put("x", "1"), Result.done(), 0, 10);
    var w2 = op(2, Op.put("x", "2"), Result.done(), 5, 15);
    assertTrue(check(List.of(w1, w2, op(3, Op.get("x"), Result.read("1"), 20, 25))).linearizable());
    assertTrue(check(List.of(w1, w2, op(3, Op.get("x"), Result.read("2"), 20, 25))).linearizable());
    assertFalse(
        check(List.of(w1, w2, op(3, Op.get("x"), Result.read("3"), 20, 25))).linearizable());
    // Two reads after both writes must agree on which write came last.
    var split =
        List.of(
            w1,
            w2,
            op(3, Op.get("x"), Result.read("1"), 20, 25),
            op(4, Op.get("x"), Result.read("2"), 26, 30));
    assertFalse(check(split).linearizable());
    // ...but reads concurrent with the writes may see them at different moments.
    var during =
        List.of(
            w1,
            w2,
            op(3, Op.get("x"), Result.read("1"), 6, 9),
            op(4, Op.get("x"), Result.read("2"), 11, 14));
    assertTrue(check(during).linearizable(), check(during).describe());
  }

  @Test
  void aStaleReadIsNotLinearizableAndTheCounterexampleSaysWhy() {
    var h =
        List.of(
            op(1, Op.put("x", "1"), Result.done(), 0, 1),
            op(1, Op.put("x", "2"), Result.done(), 2, 3),
            op(2, Op.get("x"), Result.read("1"), 4, 5));
    LinearizabilityChecker.Result r = check(h);
    assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
    assertEquals(3, r.failedPart().size());
    assertEquals(2, r.longestPrefix().size(), "both puts linearize; the read cannot follow");
    assertEquals(List.of(h.get(2)), r.stuck());
    assertTrue(r.describe().contains("get(x) -> \"1\""), r.describe());
  }

  @Test
  void aReadCannotSeeAWriteInvokedAfterIt() {
    var h =
        List.of(
            op(1, Op.get("x"), Result.read("1"), 0, 1),
            op(2, Op.put("x", "1"), Result.done(), 2, 3));
    assertFalse(check(h).linearizable());
  }

  @Test
  void operationsWithUnknownOutcomesMayOrMayNotHaveHappened() {
    Operation<Op, Result> lost = Operation.unknown(1, Op.put("x", "1"), 0);
    assertTrue(check(List.of(lost, op(2, Op.get("x"), Result.read(null), 5, 6))).linearizable());
    assertTrue(check(List.of(lost, op(2, Op.get("x"), Result.read("1"), 5, 6))).linearizable());
    // Once seen, the write cannot be undone.
    var undone =
        List.of(
            lost,
            op(2, Op.get("x"), Result.read("1"), 5, 6),
            op(2, Op.get("x"), Result.read(null), 7, 8));
    assertFalse(check(undone).linearizable());
    // A timed-out compare-and-set: it happened (the value changed) or did not, never half.
    Operation<Op, Result> cas = Operation.unknown(3, Op.cas("y", null, "a"), 0);
    assertTrue(check(List.of(cas, op(4, Op.get("y"), Result.read("a"), 3, 4))).linearizable());
    assertFalse(check(List.of(cas, op(4, Op.get("y"), Result.read("b"), 3, 4))).linearizable());
  }

  @Test
  void keysAreCheckedIndependently() {
    var h =
        List.of(
            op(1, Op.put("x", "1"), Result.done(), 0, 10),
            op(2, Op.put("y", "2"), Result.done(), 0, 10),
            op(3, Op.get("x"), Result.read("1"), 11, 12),
            op(3, Op.get("y"), Result.read(null), 13, 14));
    LinearizabilityChecker.Result r = check(h);
    assertEquals(2, r.parts());
    assertFalse(r.linearizable());
    assertTrue(r.failedPart().stream().allMatch(o -> ((Op) o.input()).key().equals("y")));
  }

  @Test
  void historiesOfARealAtomicMapAreLinearizableAndACorruptedReadIsCaught() {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int round = 0; round < 50; round++) {
      List<Operation<Op, Result>> h = atomicMapHistory(random, 6, 300);
      LinearizabilityChecker.Result ok = check(h);
      assertTrue(ok.linearizable(), "seed " + seed + " round " + round + ": " + ok.describe());
      List<Operation<Op, Result>> bad = new ArrayList<>(h);
      for (int i = 0; i < bad.size(); i++) {
        Operation<Op, Result> o = bad.get(i);
        if (o.input().kind() == KeyValueModel.Kind.GET) {
          bad.set(i, op(o.client(), o.input(), Result.read("never-written"), o.call(), o.ret()));
          break;
        }
      }
      assertFalse(check(bad).linearizable(), "seed " + seed + " round " + round);
    }
  }

  /**
   * A history of a sequential map driven by interleaved clients, with invocation and response
   * stamps around each atomic step: linearizable by construction.
   */
  private static List<Operation<Op, Result>> atomicMapHistory(Random random, int clients, int n) {
    Map<String, String> map = new HashMap<>();
    long time = 0;
    List<Operation<Op, Result>> out = new ArrayList<>();
    long[] pendingCall = new long[clients];
    Op[] pendingOp = new Op[clients];
    Result[] pendingResult = new Result[clients];
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(clients);
      time++;
      if (pendingOp[c] == null) {
        String key = "k" + random.nextInt(3);
        Op op = switch4(random.nextInt(5), key, String.valueOf(random.nextInt(4)), map.get(key));
        pendingOp[c] = op;
        pendingCall[c] = time;
        time++;
        pendingResult[c] = apply(map, op); // takes effect between invocation and response
      } else {
        out.add(op(c, pendingOp[c], pendingResult[c], pendingCall[c], time));
        pendingOp[c] = null;
      }
    }
    for (int c = 0; c < clients; c++) {
      if (pendingOp[c] != null) {
        out.add(op(c, pendingOp[c], pendingResult[c], pendingCall[c], ++time));
      }
    }
    return out;
  }

  private static Op switch4(int kind, String key, String value, String current) {
    if (kind == 0) {
      return Op.get(key);
    }
    if (kind == 1) {
      return Op.put(key, value);
    }
    if (kind == 2) {
      return Op.append(key, value);
    }
    if (kind == 3) {
      return Op.delete(key);
    }
    return Op.cas(key, current, value);
  }

  private static Result apply(Map<String, String> map, Op op) {
    String old = map.get(op.key());
    switch (op.kind()) {
      case GET:
        return Result.read(old);
      case PUT:
        map.put(op.key(), op.value());
        return Result.done();
      case APPEND:
        map.put(op.key(), (old == null ? "" : old) + op.value());
        return Result.done();
      case DELETE:
        map.remove(op.key());
        return Result.of(old != null);
      default:
        boolean swap = java.util.Objects.equals(old, op.expected());
        if (swap) {
          map.put(op.key(), op.value());
        }
        return Result.of(swap);
    }
  }

  @Test
  void anExhaustedBudgetIsUnknownNeverLinearizable() {
    List<Operation<Op, Result>> h = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      h.add(op(i, Op.put("x", String.valueOf(i)), Result.done(), 0, 100));
    }
    h.add(op(99, Op.get("x"), Result.read("5"), 101, 102));
    assertEquals(Verdict.UNKNOWN, LinearizabilityChecker.check(KV, h, 3).verdict());
    assertTrue(LinearizabilityChecker.check(KV, h).linearizable());
  }

  @Test
  void historyRecordsCallsAndResponses() {
    long[] now = {0};
    History<Op, Result> history = new History<>(() -> now[0]++);
    var a = history.invoke(1, Op.put("x", "1"));
    var b = history.invoke(2, Op.get("x"));
    a.ok(Result.done());
    var c = history.invoke(3, Op.put("x", "2"));
    b.ok(Result.read("1"));
    assertThrows(IllegalStateException.class, () -> a.ok(Result.done()));
    List<Operation<Op, Result>> ops = history.operations();
    assertEquals(3, ops.size());
    assertFalse(ops.get(2).known(), "never answered: unknown");
    assertTrue(ops.get(0).known());
    assertTrue(LinearizabilityChecker.check(KV, ops).linearizable());
    c.unknown();
    assertThrows(
        IllegalArgumentException.class, () -> Operation.of(1, Op.get("x"), Result.read("1"), 5, 4));
  }

  // ---- issue 12: the checker as an outside user meets it ----

  /** Twelve concurrent puts and a read: a search space the checker needs many steps for. */
  private static List<Operation<Op, Result>> hardHistory(String key) {
    List<Operation<Op, Result>> h = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      h.add(op(i, Op.put(key, String.valueOf(i)), Result.done(), 0, 100));
    }
    h.add(op(99, Op.get(key), Result.read("5"), 101, 102));
    return h;
  }

  @Test
  void anUnknownVerdictNamesTheKeyThatRanOutAndWhy() {
    List<Operation<Op, Result>> h = new ArrayList<>();
    h.add(op(1, Op.put("easy", "1"), Result.done(), 0, 1));
    h.addAll(hardHistory("hard"));
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(KV, h, 3);
    assertEquals(Verdict.UNKNOWN, r.verdict());
    assertEquals(13, r.undecidedPart().size());
    assertTrue(r.reason().startsWith("key hard (13 operations)"), r.reason());
    assertTrue(r.reason().contains("budget of 3 steps"), r.reason());
    assertTrue(r.describe().contains("key hard"), r.describe());
  }

  @Test
  void aDeadlineStopsTheSearchAndSaysSo() {
    List<Operation<Op, Result>> h = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      h.addAll(hardHistory("k" + k));
    }
    var limits = LinearizabilityChecker.Limits.defaults().withTimeout(java.time.Duration.ZERO);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(KV, h, limits);
    assertEquals(Verdict.UNKNOWN, r.verdict());
    assertTrue(r.reason().startsWith("key k0 "), r.reason());
    assertTrue(r.reason().contains("deadline of PT0S passed"), r.reason());
    assertTrue(r.reason().contains("3 later parts not searched"), r.reason());
    // with time to spare the same history is decided
    assertTrue(
        LinearizabilityChecker.check(
                KV,
                h,
                LinearizabilityChecker.Limits.defaults()
                    .withTimeout(java.time.Duration.ofMinutes(1)))
            .linearizable());
  }

  @Test
  void aCancelledOrInterruptedCheckIsUnknown() {
    List<Operation<Op, Result>> h = hardHistory("x");
    var cancelled = LinearizabilityChecker.Limits.defaults().withCancellation(() -> true);
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(KV, h, cancelled);
    assertEquals(Verdict.UNKNOWN, r.verdict());
    assertTrue(r.reason().contains("cancelled"), r.reason());

    Thread.currentThread().interrupt();
    try {
      LinearizabilityChecker.Result i = LinearizabilityChecker.check(KV, h);
      assertEquals(Verdict.UNKNOWN, i.verdict());
      assertTrue(i.reason().contains("interrupted"), i.reason());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void limitsRejectNonsense() {
    var d = LinearizabilityChecker.Limits.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withStepsPerPart(0));
    assertThrows(
        IllegalArgumentException.class, () -> d.withTimeout(java.time.Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> d.withCancellation(null));
    assertThrows(NullPointerException.class, () -> d.withTimeout(null));
  }

  @Test
  void aCompletedOperationMustHaveAnOutput() {
    assertThrows(NullPointerException.class, () -> Operation.of(1, Op.get("x"), null, 0, 1));
    assertThrows(
        NullPointerException.class, () -> new Operation<Op, Result>(1, Op.get("x"), null, 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Operation<>(1, Op.get("x"), Result.read("1"), 0, Operation.UNKNOWN));
    History<Op, Result> history = new History<>(() -> 0);
    var call = history.invoke(1, Op.put("x", "1"));
    assertThrows(NullPointerException.class, () -> call.ok(null));
    call.unknown(); // the explicit way to say "it may or may not have happened"
    assertFalse(history.operations().get(0).known());
  }

  @Test
  void operationsAreCheckedAgainstTheirKind() {
    assertThrows(NullPointerException.class, () -> new Op(KeyValueModel.Kind.PUT, "k", null, null));
    assertThrows(
        NullPointerException.class, () -> new Op(KeyValueModel.Kind.APPEND, "k", null, null));
    assertThrows(NullPointerException.class, () -> new Op(KeyValueModel.Kind.CAS, "k", null, "a"));
    assertThrows(
        IllegalArgumentException.class, () -> new Op(KeyValueModel.Kind.GET, "k", "v", null));
    assertThrows(
        IllegalArgumentException.class, () -> new Op(KeyValueModel.Kind.DELETE, "k", "v", null));
    assertThrows(
        IllegalArgumentException.class, () -> new Op(KeyValueModel.Kind.PUT, "k", "v", "e"));
    // what is legal stays legal
    assertEquals(Op.cas("k", null, "v"), new Op(KeyValueModel.Kind.CAS, "k", "v", null));
    assertEquals(Op.get("k"), new Op(KeyValueModel.Kind.GET, "k", null, null));
  }

  @Test
  void aCounterexampleTellsAMissingKeyFromTheTextTrue() {
    var absent = op(1, Op.get("x"), Result.read(null), 0, 1);
    var text = op(1, Op.get("x"), Result.read("true"), 0, 1);
    assertEquals("client 1: get(x) -> absent [0, 1]", absent.toString());
    assertEquals("client 1: get(x) -> \"true\" [0, 1]", text.toString());
    assertEquals(
        "client 1: put(x, \"true\") -> ok [0, 1]",
        op(1, Op.put("x", "true"), Result.done(), 0, 1).toString());
    assertEquals(
        "client 1: cas(x, absent -> \"\") -> false [0, 1]",
        op(1, Op.cas("x", null, ""), Result.of(false), 0, 1).toString());
    // in a counterexample: the stale read of a missing key reads as such
    var h =
        List.of(
            op(1, Op.put("x", "true"), Result.done(), 0, 1),
            op(2, Op.get("x"), Result.read(null), 2, 3));
    String d = check(h).describe();
    assertTrue(d.contains("get(x) -> absent"), d);
  }
}
