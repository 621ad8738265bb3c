package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LockOrderTest {
  private static Mutex checked(String name) {
    return Mutex.builder().name(name).checkLockOrder(true).build();
  }

  @Test
  void reverseOrderIsRefusedBeforeBlockingWithBothSites() throws Exception {
    Mutex a = checked("A");
    Mutex b = checked("B");
    try (Workers w = new Workers(ThreadKind.PLATFORM)) {
      w.start("first-order", () -> Sites.aThenB(a, b));
    }
    // Nothing is held by anyone now, so this acquisition would not block; it must fail anyway.
    try (Guard gb = b.lock()) {
      PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, a::lock);
      assertTrue(e.getMessage().contains("acquiring A while holding B"), e.getMessage());
      assertTrue(stackNames(e.getStackTrace()).contains("reverseOrderIsRefused"), "current site");
      Throwable earlier = e.getCause();
      assertInstanceOf(PotentialDeadlockException.EarlierAcquisition.class, earlier);
      assertTrue(earlier.getMessage().contains("first-order"), earlier.getMessage());
      assertTrue(stackNames(earlier.getStackTrace()).contains("aThenB"), "earlier site");
      assertFalse(a.isLocked(), "a refused acquisition acquires nothing");
      assertEquals(List.of("B"), heldNames());
    }
    assertEquals(List.of(), heldNames());
  }

  @Test
  void longerCyclesAreFoundWithEveryEdgeSite() {
    Mutex a = checked("A");
    Mutex b = checked("B");
    Mutex c = checked("C");
    Sites.aThenB(a, b);
    Sites.aThenB(b, c);
    try (Guard gc = c.lock()) {
      PotentialDeadlockException e = assertThrows(PotentialDeadlockException.class, a::lock);
      assertTrue(e.getMessage().contains("through 1 other locks"), e.getMessage());
      assertTrue(e.getMessage().contains("A -> B -> C -> A"), e.getMessage());
      int sites = 0;
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        sites++;
      }
      assertEquals(2, sites, "one earlier site per edge of the cycle");
    }
  }

  @Test
  void consistentOrderNeverThrows() {
    Mutex a = checked("A");
    Mutex b = checked("B");
    Mutex c = checked("C");
    for (int i = 0; i < 3; i++) {
      try (Guard ga = a.lock();
          Guard gb = b.lock();
          Guard gc = c.lock()) {
        assertEquals(List.of("A", "B", "C"), heldNames());
      }
      try (Guard ga = a.lock();
          Guard gc = c.lock()) {
        assertTrue(gc != null);
      }
    }
  }

  @Test
  void tryLockInReverseOrderIsAllowedBecauseItCannotDeadlock() throws Exception {
    Mutex a = checked("A");
    Mutex b = checked("B");
    Sites.aThenB(a, b);
    try (Guard gb = b.lock()) {
      Guard ga = a.tryLock().orElseThrow();
      ga.close();
      Guard timed = a.tryLock(Duration.ofMillis(10)).orElseThrow();
      timed.close();
    }
  }

  @Test
  void uncheckedMutexesAreNotChecked() {
    Mutex a = new Mutex("A");
    Mutex b = new Mutex("B");
    assertFalse(a.checksLockOrder());
    Sites.aThenB(a, b);
    try (Guard gb = b.lock();
        Guard ga = a.lock()) {
      assertTrue(a.isHeldByCurrentThread());
    }
  }

  @Test
  void relockOfACheckedMutexIsReportedAsRelock() {
    Mutex a = checked("A");
    try (Guard g = a.lock()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, a::lock);
      assertFalse(e instanceof PotentialDeadlockException);
    }
  }

  @Test
  void uncollectedGraphDoesNotKeepMutexesAlive() throws InterruptedException {
    Mutex a = checked("A");
    Mutex b = checked("B");
    Sites.aThenB(a, b);
    WeakReference<Mutex> ref = new WeakReference<>(b);
    b = null;
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertTrue(ref.get() == null, "a checked mutex must be collectable once unreferenced");
    assertNotNull(a);
  }

  @Test
  void systemPropertySwitchesCheckingOnForPlainMutexes() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                java,
                "-D" + Mutex.CHECK_LOCK_ORDER_PROPERTY + "=true",
                "-cp",
                System.getProperty("java.class.path"),
                ReverseOrderProgram.class.getName())
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertEquals("checked=true refused=true", text.strip());
  }

  /** Run in a child JVM with the system property set. */
  public static final class ReverseOrderProgram {
    public static void main(String[] args) {
      Mutex a = new Mutex("A");
      Mutex b = new Mutex("B");
      Sites.aThenB(a, b);
      boolean refused = false;
      try (Guard gb = b.lock();
          Guard ga = a.lock()) {
        refused = false;
      } catch (PotentialDeadlockException e) {
        refused = true;
      }
      System.out.println("checked=" + a.checksLockOrder() + " refused=" + refused);
    }
  }

  /** Named frames, so the reported sites can be checked. */
  static final class Sites {
    static void aThenB(Mutex a, Mutex b) {
      try (Guard ga = a.lock();
          Guard gb = b.lock()) {
        assertTrue(b.isHeldByCurrentThread());
      }
    }
  }

  private static String stackNames(StackTraceElement[] stack) {
    return Arrays.toString(stack);
  }

  private static List<String> heldNames() {
    return LockOrder.heldByCurrentThread().stream().map(n -> n.name).toList();
  }
}
