package dev.weft.replication.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvStoreTest {
  @Test
  void operationsDoWhatTheySay() {
    KvStore s = new KvStore();
    assertEquals(KvResult.DONE, s.apply(new KvRequest(1, 1, KvOp.put("x", "a"))));
    assertEquals(KvResult.DONE, s.apply(new KvRequest(1, 2, KvOp.append("x", "b"))));
    assertEquals(new KvResult("ab", true), s.apply(new KvRequest(1, 3, KvOp.get("x"))));
    assertFalse(s.apply(new KvRequest(1, 4, KvOp.cas("x", "a", "c"))).ok());
    assertTrue(s.apply(new KvRequest(1, 5, KvOp.cas("x", "ab", "c"))).ok());
    assertTrue(s.apply(new KvRequest(1, 6, KvOp.delete("x"))).ok());
    assertFalse(s.apply(new KvRequest(1, 7, KvOp.delete("x"))).ok());
    assertTrue(s.apply(new KvRequest(1, 8, KvOp.cas("x", null, "n"))).ok());
    assertEquals("n", s.read("x"));
  }

  @Test
  void aRetryTakesEffectOnceAndGetsTheFirstAnswer() {
    KvStore s = new KvStore();
    KvRequest append = new KvRequest(7, 1, KvOp.append("x", "a"));
    s.apply(append);
    assertEquals(KvResult.DONE, s.apply(append));
    assertEquals("a", s.read("x"));
    KvRequest cas = new KvRequest(7, 2, KvOp.cas("x", "a", "b"));
    assertTrue(s.apply(cas).ok());
    assertTrue(s.apply(cas).ok(), "the retry reports the first execution's result");
    assertNull(s.apply(append), "an older request is stale");
    assertEquals(2, s.executedCount());
    assertEquals(3, s.duplicates(), "two retries and one stale request");
  }

  @Test
  void anImageCopiesDataAndSessions() {
    KvStore s = new KvStore();
    KvRequest r = new KvRequest(3, 1, KvOp.append("x", "a"));
    s.apply(r);
    KvStore copy = KvStore.of(s.image());
    assertEquals("a", copy.read("x"));
    copy.apply(r);
    assertEquals("a", copy.read("x"), "the copy knows the session too");
    s.apply(new KvRequest(3, 2, KvOp.put("y", "1")));
    assertNull(copy.read("y"), "the copy is independent");
  }

  @Test
  void operationsAreCheckedAgainstTheirKind() {
    assertThrows(NullPointerException.class, () -> KvOp.put("x", null));
    assertThrows(IllegalArgumentException.class, () -> new KvOp(KvOp.Kind.GET, "x", "v", null));
    assertThrows(IllegalArgumentException.class, () -> new KvOp(KvOp.Kind.PUT, "x", "v", "e"));
    assertThrows(IllegalArgumentException.class, () -> new KvRequest(1, 0, KvOp.get("x")));
  }
}
