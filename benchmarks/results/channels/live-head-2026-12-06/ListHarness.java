import dev.weft.chan.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;

/**
 * Which writes make an unbuffered hand-off slow across cores (hand-off-floor.md, section 8; ADR
 * 67). Not a benchmark: a diagnostic that compares two pipes in pairs of short transfers, so that
 * both sides of a pair meet the same placement of the two virtual CPUs, which moves every few
 * seconds (section 7).
 *
 * <p>Each transfer moves {@code n} values from one virtual thread to another through a fresh pipe.
 * A pair runs both pipes, in alternating order; the harness prints each pipe's median time per
 * value and the median and quartiles of the pairs' ratios, and the probe of section 1 every ten
 * pairs. Pipes: {@code weft} (weft's unbuffered channel, from the class path), {@code sq} (a
 * {@code SynchronousQueue}, which is a LIFO stack when not fair), and prototypes of one direction
 * at a time, 1:1 only, without select, close, timeouts or interrupts:
 *
 * <ul>
 *   <li>{@code slot}: one field holds the only waiter; a partner takes it out by compare-and-set.
 *   <li>{@code dummy}: a FIFO list after a dead dummy, as weft's was before ADR 67: an append links
 *       the last node, then moves the {@code tail} hint; a partner reads the dummy's link to reach
 *       the waiter and moves {@code head} onto the waiter it completed.
 *   <li>{@code live}: {@code head} may be the first waiter and stays on it when a partner completes
 *       it; an append takes {@code tail} first, then links the last node, and where that node is
 *       the dead head, also moves {@code head} to the new waiter.
 *   <li>{@code live2}: {@code live}, but an append to an empty list only moves {@code head} and
 *       does not link the dead node (ADR 67's protocol).
 *   <li>{@code live2fat}: {@code live2} with 64-byte nodes instead of 32, about weft's {@code
 *       Waiter}.
 *   <li>{@code live2x}: {@code live2}, but a partner takes the list's cache line with a
 *       compare-and-set of {@code head} before it completes the waiter.
 *   <li>{@code live3}: {@code live2}, but an operation that walks to the last node without finding
 *       a partner appends after it at once, without reading the list again (section 13).
 *   <li>{@code slot1}: {@code slot}, a receiver completed in one compare-and-set after its item.
 *   <li>{@code take}, {@code taket}: {@code dummy}, but a partner moves {@code head} onto a waiter
 *       before it completes it; {@code taket} appends by the tail first, as {@code live} does.
 *   <li>{@code seal}: a FIFO list whose empty state is a null {@code head}; a partner removes the
 *       waiter it completed, sealing the link of a last one so that no append is lost.
 * </ul>
 *
 * <p>{@code -Dcount=true} prints, for every transfer, the prototypes' appends, failed appends,
 * waits for an append between its two steps and (for {@code live} and {@code live2}) appends that
 * found a waiter of the other direction, per value; the counters are shared atomics, which add
 * their own traffic between the cores, so compare timings without them. {@code -Dbackoff=N}: the
 * {@code onSpinWait}s of {@code live}'s wait for such an append (default 1).
 *
 * <p>Run from the repository root after {@code mvn -q -pl primitives -DskipTests package}, with
 * JDK 21 or later: {@code java -cp primitives/target/classes
 * benchmarks/results/channels/live-head-2026-12-06/ListHarness.java weft live2 200000 60} (two
 * pipes, values per transfer, pairs).
 */
public class ListHarness {
  private static volatile int ping;
  private static volatile int pong;
  private static volatile Object sink;

  /** Parks of the prototypes' waiters, for {@code ../ab-2026-12-06/ABHarness.java}. */
  static final AtomicLong PARKS = new AtomicLong();
  static final boolean COUNT = Boolean.getBoolean("count");
  static final AtomicLong APPENDS = new AtomicLong();
  static final AtomicLong FAILS = new AtomicLong();
  static final AtomicLong WAITS = new AtomicLong();
  static final AtomicLong MISMATCH = new AtomicLong();
  static final int BACKOFF = Integer.getInteger("backoff", 1);

  /**
   * More pipes, by name, or null: {@code ../ab-2026-12-06/ABHarness.java} adds its own here.
   */
  static Function<String, Pipe> morePipes = name -> null;

  interface Pipe {
    void send(Integer v) throws InterruptedException;

    Integer receive() throws InterruptedException;
  }

  /** A waiting send or receive of the prototypes. */
  static class Node {
    static final int WAITING = -1;
    static final int BUSY = -5;
    static final int DONE = 0;
    static final int DEAD = -2;

    final boolean send;
    final Thread thread = Thread.currentThread();
    Object item;
    volatile int state = WAITING;
    volatile boolean parked;
    volatile Node link;

    Node(boolean send, Object item) {
      this.send = send;
      this.item = item;
    }

    /** Spins for 5 us, as weft's virtual threads do, then parks until completed. */
    Object await() {
      long start = System.nanoTime();
      for (int i = 1; state != DONE; i++) {
        Thread.onSpinWait();
        if (i % 32 == 0 && System.nanoTime() - start > 5_000) {
          parked = true;
          PARKS.getAndIncrement();
          while (state != DONE) {
            LockSupport.park(this);
          }
          break;
        }
      }
      return item;
    }

    /** Completes this waiter: a receiver in two steps, a sender in one. */
    boolean complete(Object v) {
      if (v == null) {
        return STATE.compareAndSet(this, WAITING, DONE);
      }
      if (!STATE.compareAndSet(this, WAITING, BUSY)) {
        return false;
      }
      item = v;
      state = DONE;
      return true;
    }

    void wake() {
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    static final VarHandle STATE;
    static final VarHandle LINK;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        STATE = l.findVarHandle(Node.class, "state", int.class);
        LINK = l.findVarHandle(Node.class, "link", Node.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** A node of 64 bytes. */
  static final class FatNode extends Node {
    @SuppressWarnings("unused")
    int a, b, c, d, e, f;

    FatNode(boolean send, Object item) {
      super(send, item);
    }
  }

  /** The prototypes' common loop: match a waiter, else append one and wait. */
  abstract static class Proto implements Pipe {
    static final Object EMPTY = new Object();
    final boolean fat;

    Proto(boolean fat) {
      this.fat = fat;
    }

    abstract Object match(Object v);

    abstract boolean append(Node w);

    Object transfer(Object v) {
      Node w = null;
      while (true) {
        Object r = match(v);
        if (r != EMPTY) {
          return r;
        }
        if (w == null) {
          w = fat ? new FatNode(v != null, v) : new Node(v != null, v);
        }
        if (append(w)) {
          if (COUNT) APPENDS.getAndIncrement();
          return w.await();
        }
        if (COUNT) FAILS.getAndIncrement();
      }
    }

    @Override
    public void send(Integer v) {
      transfer(v);
    }

    @Override
    public Integer receive() {
      return (Integer) transfer(null);
    }
  }

  /** slot, but a receiver is completed in one compare-and-set after its item is written. */
  static final class Slot1 extends Proto {
    static final VarHandle SLOT = handle(Slot1.class, "slot");
    volatile Node slot;

    Slot1() {
      super(false);
    }

    @Override
    Object match(Object v) {
      Node w = slot;
      if (w == null || w.send == (v != null) || !SLOT.compareAndSet(this, w, null)) {
        return EMPTY;
      }
      if (v != null) {
        w.item = v;
      }
      Node.STATE.compareAndSet(w, Node.WAITING, Node.DONE);
      w.wake();
      return v != null ? v : w.item;
    }

    @Override
    boolean append(Node w) {
      return SLOT.compareAndSet(this, null, w);
    }
  }

  static final class Slot extends Proto {
    static final VarHandle SLOT = handle(Slot.class, "slot");
    volatile Node slot;

    Slot() {
      super(false);
    }

    @Override
    Object match(Object v) {
      Node w = slot;
      if (w == null || w.send == (v != null) || !SLOT.compareAndSet(this, w, null)) {
        return EMPTY;
      }
      w.complete(v);
      w.wake();
      return v != null ? v : w.item;
    }

    @Override
    boolean append(Node w) {
      return SLOT.compareAndSet(this, null, w);
    }
  }

  /** FIFO, empty list is a null head; the partner removes the waiter it completed, sealing a last one's link. */
  static final class Seal extends Proto {
    static final VarHandle HEAD = handle(Seal.class, "head");
    static final Node SEALED = new Node(false, null);
    volatile Node head;
    volatile Node tail;

    Seal() {
      super(false);
    }

    private void remove(Node p) {
      Node n = p.link;
      if (n == null) {
        if (Node.LINK.compareAndSet(p, null, SEALED)) {
          HEAD.compareAndSet(this, p, null);
          return;
        }
        n = p.link;
      }
      HEAD.compareAndSet(this, p, n == SEALED ? null : n);
    }

    @Override
    Object match(Object v) {
      while (true) {
        Node p = head;
        if (p == null) {
          return EMPTY;
        }
        if (p.state == Node.WAITING) {
          if (p.send == (v != null)) {
            return EMPTY;
          }
          if (p.complete(v)) {
            remove(p);
            p.wake();
            return v != null ? v : p.item;
          }
        }
        remove(p);
      }
    }

    @Override
    boolean append(Node w) {
      Node h = head;
      if (h == null) {
        if (HEAD.compareAndSet(this, null, w)) {
          tail = w;
          return true;
        }
        return false;
      }
      Node t = tail;
      if (t == null || t.link == SEALED) {
        t = h;
      }
      for (Node n; (n = t.link) != null; t = n) {
        if (n == SEALED) {
          return false;
        }
      }
      if (t.state == Node.WAITING && t.send != w.send) {
        return false;
      }
      if (Node.LINK.compareAndSet(t, null, w)) {
        tail = w;
        return true;
      }
      return false;
    }
  }

  /** A list with {@code head} and {@code tail} fields, and a dead first node. */
  abstract static class ListProto extends Proto {
    static final VarHandle HEAD = handle(ListProto.class, "head");
    static final VarHandle TAIL = handle(ListProto.class, "tail");
    volatile Node head;
    volatile Node tail;

    ListProto(boolean fat) {
      super(fat);
      Node dead = new Node(false, null);
      dead.state = Node.DEAD;
      head = dead;
      tail = dead;
    }

    /**
     * {@code dummy}'s append: links {@code w} after the last node, found from the {@code tail}
     * hint, then moves the hint; false if the last node has the other direction or another append
     * came first.
     */
    boolean linkAfterLast(Node w) {
      Node t = tail;
      Node last = t;
      for (Node n; (n = last.link) != null; ) {
        last = n;
      }
      if (last != head && last.send != w.send) {
        return false;
      }
      if (Node.LINK.compareAndSet(last, null, w)) {
        TAIL.compareAndSet(this, t, w);
        return true;
      }
      return false;
    }
  }

  static final class Dummy extends ListProto {
    Dummy() {
      super(false);
    }

    @Override
    Object match(Object v) {
      Node h = head;
      boolean front = true;
      for (Node p = h.link; p != null; p = p.link) {
        if (p.state == Node.WAITING) {
          if (p.send == (v != null)) {
            return EMPTY;
          }
          if (p.complete(v)) {
            if (front) {
              HEAD.compareAndSet(this, h, p);
            }
            p.wake();
            return v != null ? v : p.item;
          }
        }
        if (front && HEAD.compareAndSet(this, h, p)) {
          h = p;
        } else {
          front = false;
        }
      }
      return EMPTY;
    }

    @Override
    boolean append(Node w) {
      return linkAfterLast(w);
    }
  }

  /** dummy, but a partner moves head onto a waiter before it completes it: the new dummy is its. */
  static final class TakeFirst extends ListProto {
    final boolean tailFirst;

    TakeFirst(boolean tailFirst) {
      super(false);
      this.tailFirst = tailFirst;
    }

    @Override
    Object match(Object v) {
      while (true) {
        Node h = head;
        Node p = h.link;
        if (p == null) {
          if (!tailFirst || tail == h) {
            return EMPTY;
          }
          Thread.onSpinWait();
          continue;
        }
        if (p.state == Node.WAITING && p.send == (v != null)) {
          return EMPTY;
        }
        if (!HEAD.compareAndSet(this, h, p)) {
          continue;
        }
        if (p.complete(v)) {
          p.wake();
          return v != null ? v : p.item;
        }
      }
    }

    @Override
    boolean append(Node w) {
      if (tailFirst) {
        Node last = tail;
        if (last != head && last.send != w.send) {
          return false;
        }
        if (!TAIL.compareAndSet(this, last, w)) {
          return false;
        }
        Node.LINK.setRelease(last, w);
        return true;
      }
      return linkAfterLast(w);
    }
  }

  /** live2, but an append goes straight from the match that found no partner. */
  static final class Live3 extends ListProto {
    Live3() {
      super(false);
    }

    @Override
    Object match(Object v) {
      throw new UnsupportedOperationException();
    }

    @Override
    boolean append(Node w) {
      throw new UnsupportedOperationException();
    }

    @Override
    Object transfer(Object v) {
      Node w = null;
      restart:
      while (true) {
        Node h = head;
        Node p = h;
        while (true) {
          boolean live = p.state == Node.WAITING;
          if (live) {
            if (p.send != (v != null)) {
              if (p.complete(v)) {
                if (p != h) {
                  HEAD.compareAndSet(this, h, p);
                }
                p.wake();
                return v != null ? v : p.item;
              }
              continue restart;
            }
          }
          Node n = p.link;
          if (n == null) {
            if (tail != p) {
              if (COUNT) WAITS.getAndIncrement();
              Thread.onSpinWait(); // an append is between its two steps
              continue restart;
            }
            // p is last: dead (and then the head: the list is empty) or a waiter of our direction
            if (!live && p != h) {
              continue restart;
            }
            if (w == null) {
              w = new Node(v != null, v);
            }
            if (!TAIL.compareAndSet(this, p, w)) {
              if (COUNT) FAILS.getAndIncrement();
              continue restart;
            }
            if (!live) {
              HEAD.compareAndSet(this, p, w);
            } else {
              Node.LINK.setRelease(p, w);
            }
            if (COUNT) APPENDS.getAndIncrement();
            return w.await();
          }
          if (live) {
            return null; // unreachable in 1:1: a live waiter of our direction is last
          }
          p = n;
        }
      }
    }
  }

  static final class Live extends ListProto {
    final boolean linkDeadHead;
    boolean preacquire;

    Live(boolean linkDeadHead, boolean fat) {
      super(fat);
      this.linkDeadHead = linkDeadHead;
    }

    @Override
    Object match(Object v) {
      while (true) {
        Node h = head;
        Node p = h;
        while (true) {
          if (p.state == Node.WAITING) {
            if (p.send == (v != null)) {
              return EMPTY;
            }
            if (preacquire) {
              HEAD.compareAndSet(this, h, p); // takes the line even where h == p
            }
            if (p.complete(v)) {
              if (p != h && !preacquire) {
                HEAD.compareAndSet(this, h, p);
              }
              p.wake();
              return v != null ? v : p.item;
            }
          }
          Node n = p.link;
          if (n == null) {
            if (tail == p) {
              return EMPTY;
            }
            if (COUNT) WAITS.getAndIncrement();
            for (int k = 0; k < BACKOFF; k++) Thread.onSpinWait(); // an append is between its two steps
            break;
          }
          p = n;
        }
      }
    }

    @Override
    boolean append(Node w) {
      Node last = tail;
      Node h = head;
      boolean empty = last == h && last.state != Node.WAITING;
      if (!empty && last.send != w.send) {
        if (COUNT) MISMATCH.getAndIncrement();
        return false;
      }
      if (!TAIL.compareAndSet(this, last, w)) {
        return false;
      }
      if (!empty || linkDeadHead) {
        Node.LINK.setRelease(last, w);
      }
      if (empty) {
        HEAD.compareAndSet(this, h, w);
      }
      return true;
    }
  }

  static VarHandle handle(Class<?> c, String field) {
    try {
      return MethodHandles.lookup().findVarHandle(c, field, Node.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A pipe through weft's channel {@code c}. */
  static Pipe weft(Channel<Integer> c) {
    return new Pipe() {
      @Override
      public void send(Integer v) throws InterruptedException {
        c.send(v);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return c.receive();
      }
    };
  }

  static Pipe pipe(String name) {
    switch (name) {
      case "slot":
        return new Slot();
      case "slot1":
        return new Slot1();
      case "take":
        return new TakeFirst(false);
      case "taket":
        return new TakeFirst(true);
      case "live2x": {
        Live l = new Live(false, false);
        l.preacquire = true;
        return l;
      }
      case "live3":
        return new Live3();
      case "seal":
        return new Seal();
      case "dummy":
        return new Dummy();
      case "live":
        return new Live(true, false);
      case "live2":
        return new Live(false, false);
      case "live2fat":
        return new Live(false, true);
      case "sq":
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        return new Pipe() {
          @Override
          public void send(Integer v) throws InterruptedException {
            q.put(v);
          }

          @Override
          public Integer receive() throws InterruptedException {
            return q.take();
          }
        };
      case "weft":
        return weft(Channel.make());
      default:
        Pipe more = morePipes.apply(name);
        if (more == null) {
          throw new IllegalArgumentException("unknown pipe " + name);
        }
        return more;
    }
  }

  /**
   * The round trip between two spinning platform threads now, ns: {@code PlacementHarness}'s
   * probe, repeated here because each harness runs as a single source file.
   */
  static double probe() throws InterruptedException {
    int rounds = 200_000;
    Thread echo =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 1; i <= rounds; i++) {
                    while (ping != i) {
                      Thread.onSpinWait();
                    }
                    pong = i;
                  }
                });
    long start = System.nanoTime();
    for (int i = 1; i <= rounds; i++) {
      ping = i;
      while (pong != i) {
        Thread.onSpinWait();
      }
    }
    long took = System.nanoTime() - start;
    echo.join();
    ping = 0;
    pong = 0;
    return took / (double) rounds;
  }

  /** Moves {@code n} values through a fresh pipe; ns per value. */
  static double transfer(String name, int n) throws InterruptedException {
    Pipe p = pipe(name);
    CountDownLatch go = new CountDownLatch(1);
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    go.await();
                    for (int i = 0; i < n; i++) {
                      p.send(i & 1023);
                    }
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    Thread consumer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    go.await();
                    Object last = null;
                    for (int i = 0; i < n; i++) {
                      last = p.receive();
                    }
                    sink = last;
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    long start = System.nanoTime();
    go.countDown();
    producer.join(60_000);
    consumer.join(60_000);
    if (producer.isAlive() || consumer.isAlive()) {
      throw new IllegalStateException(name + " did not finish within a minute");
    }
    double r = (System.nanoTime() - start) / (double) n;
    if (Boolean.getBoolean("count")) {
      System.out.printf("%s %.0f ns waits %.3f mismatch %.3f appends %.3f fails %.3f parks %.4f%n", name, r, WAITS.getAndSet(0) / (double) n, MISMATCH.getAndSet(0) / (double) n, APPENDS.getAndSet(0) / (double) n, FAILS.getAndSet(0) / (double) n, PARKS.getAndSet(0) / (double) n);
    }
    return r;
  }

  static double quartile(double[] sorted, int q) {
    return sorted[q * (sorted.length - 1) / 4];
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: ListHarness pipeA pipeB values pairs");
    }
    String a = args[0];
    String b = args[1];
    int n = Integer.parseInt(args[2]);
    int pairs = Integer.parseInt(args[3]);
    for (int i = 0; i < 6; i++) { // warm-up
      transfer(a, n);
      transfer(b, n);
    }
    double[] ta = new double[pairs];
    double[] tb = new double[pairs];
    double[] ratio = new double[pairs];
    List<String> probes = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      if (i % 10 == 0) {
        probes.add(String.format("%.0f", probe()));
      }
      if (i % 2 == 0) {
        ta[i] = transfer(a, n);
        tb[i] = transfer(b, n);
      } else {
        tb[i] = transfer(b, n);
        ta[i] = transfer(a, n);
      }
      ratio[i] = tb[i] / ta[i];
    }
    Arrays.sort(ta);
    Arrays.sort(tb);
    Arrays.sort(ratio);
    System.out.printf(
        "%d pairs of %d values: %s median %.0f ns, %s median %.0f ns; %s/%s median %.3f"
            + " [quartiles %.3f %.3f]; probes %s ns%n",
        pairs, n, a, quartile(ta, 2), b, quartile(tb, 2), b, a, quartile(ratio, 2),
        quartile(ratio, 1), quartile(ratio, 3), probes);
  }
}
