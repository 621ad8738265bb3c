package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocksTest {
  @Test
  void acquiresAllAndReleasesAll() {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    Mutex c = new Mutex();
    Guard all = Locks.lockAll(c, a, b);
    assertTrue(a.isHeldByCurrentThread() && b.isHeldByCurrentThread() && c.isHeldByCurrentThread());
    all.close();
    assertFalse(a.isLocked() || b.isLocked() || c.isLocked());
    all.close(); // no-op
    assertFalse(a.isLocked());
    Locks.lockAll().close(); // an empty set is fine
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void oppositeArgumentOrdersNeverDeadlock(ThreadKind kind) throws Exception {
    Mutex a = new Mutex("a");
    Mutex b = new Mutex("b");
    long[] balances = {1_000, 1_000};
    try (Workers w = new Workers(kind)) {
      w.start(
          "a-to-b",
          () -> {
            for (int i = 0; i < 20_000; i++) {
              try (Guard g = Locks.lockAll(a, b)) {
                balances[0]--;
                balances[1]++;
              }
            }
          });
      w.start(
          "b-to-a",
          () -> {
            for (int i = 0; i < 20_000; i++) {
              try (Guard g = Locks.lockAll(b, a)) {
                balances[1]--;
                balances[0]++;
              }
            }
          });
    }
    assertEquals(2_000, balances[0] + balances[1]);
    assertEquals(1_000, balances[0]);
  }

  @Test
  void lockAllInOppositeOrdersPassesLockOrderChecking() {
    Mutex a = Mutex.builder().name("a").checkLockOrder(true).build();
    Mutex b = Mutex.builder().name("b").checkLockOrder(true).build();
    Locks.lockAll(a, b).close();
    Locks.lockAll(b, a).close();
    assertFalse(a.isLocked());
  }

  @Test
  void duplicatesAndNullsAreRejected() {
    Mutex a = new Mutex("dup");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Locks.lockAll(a, a));
    assertTrue(e.getMessage().contains("dup"));
    assertThrows(NullPointerException.class, () -> Locks.lockAll(a, null));
    assertThrows(NullPointerException.class, () -> Locks.lockAll((Mutex[]) null));
    assertFalse(a.isLocked());
  }

  @Test
  void failureMidwayReleasesWhatWasAcquired() {
    Mutex first = new Mutex("first");
    Mutex second = new Mutex("second"); // created later: acquired after `first`
    try (Guard held = second.lock()) {
      assertThrows(IllegalStateException.class, () -> Locks.lockAll(second, first));
      assertFalse(first.isLocked(), "first was acquired, then released when second failed");
      assertTrue(second.isHeldByCurrentThread());
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptedLockAllHoldsNothing(ThreadKind kind) throws Exception {
    Mutex a = new Mutex();
    Mutex b = new Mutex();
    Guard heldB = b.lock();
    AtomicBoolean ok = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread t =
          w.start(
              "waiter",
              () -> {
                assertThrows(InterruptedException.class, () -> Locks.lockAllInterruptibly(a, b));
                ok.set(!a.isLocked());
              });
      Workers.awaitBlocked(t);
      assertTrue(a.isLocked(), "a is taken first, then the waiter blocks on b");
      t.interrupt();
    }
    assertTrue(ok.get());
    heldB.close();
  }
}
