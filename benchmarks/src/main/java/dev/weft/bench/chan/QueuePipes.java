package dev.weft.bench.chan;

import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.SpscArrayQueue;

/**
 * JCTools' and Agrona's non-blocking array queues, made blocking the two ways their users do it.
 *
 * <ul>
 *   <li>{@code spin}: retry, idling with Agrona's {@link BackoffIdleStrategy} (default settings:
 *       spin, then yield, then park for a growing time, 1 us to 1 ms), as an Agrona duty cycle
 *       does. Nobody wakes anybody: a parked side notices the change when its park times out.
 *   <li>{@code park}: a side that cannot proceed announces its thread, checks the queue again, and
 *       parks until the other side unparks it; each successful offer or poll then unparks one
 *       announced thread of the other side. A full fence between the queue operation and the look
 *       at the announced threads (and between announcing and checking again) closes the window in
 *       which both would miss each other: the queues publish elements with release stores, which a
 *       later load may overtake.
 * </ul>
 *
 * <p>Names: {@code jctools-spsc} ({@link SpscArrayQueue}), {@code jctools-mpmc} ({@link
 * MpmcArrayQueue}), {@code agrona-spsc} ({@link OneToOneConcurrentArrayQueue}), {@code agrona-mpsc}
 * ({@link ManyToOneConcurrentArrayQueue}; one consumer only) and {@code agrona-mpmc} ({@link
 * ManyToManyConcurrentArrayQueue}), each followed by {@code -spin} or {@code -park}. The queues
 * round their capacity up to a power of two, which the benchmarks' 16 and 1024 already are.
 */
final class QueuePipes {
  private QueuePipes() {}

  /** Makes the pipe named {@code impl} (see the class comment) with room for {@code capacity}. */
  static Pipe create(String impl, int capacity) {
    int dash = impl.lastIndexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException("unknown queue pipe " + impl);
    }
    Queue<Integer> q = queue(impl.substring(0, dash), capacity);
    return switch (impl.substring(dash + 1)) {
      case "spin" -> spinning(q);
      case "park" -> new Parking(q, capacity);
      default -> throw new IllegalArgumentException("unknown blocking strategy in " + impl);
    };
  }

  private static Queue<Integer> queue(String name, int capacity) {
    return switch (name) {
      case "jctools-spsc" -> new SpscArrayQueue<>(capacity);
      case "jctools-mpmc" -> new MpmcArrayQueue<>(capacity);
      case "agrona-spsc" -> new OneToOneConcurrentArrayQueue<>(capacity);
      case "agrona-mpsc" -> new ManyToOneConcurrentArrayQueue<>(capacity);
      case "agrona-mpmc" -> new ManyToManyConcurrentArrayQueue<>(capacity);
      default -> throw new IllegalArgumentException("unknown queue " + name);
    };
  }

  /** Retry with a backoff idle strategy, fresh for each blocked call, as a duty cycle resets it. */
  static Pipe spinning(Queue<Integer> q) {
    return new Pipe() {
      @Override
      public void send(Integer value) {
        if (q.offer(value)) {
          return;
        }
        BackoffIdleStrategy idle = new BackoffIdleStrategy();
        while (!q.offer(value)) {
          idle.idle();
        }
      }

      @Override
      public Integer receive() {
        Integer v = q.poll();
        if (v != null) {
          return v;
        }
        BackoffIdleStrategy idle = new BackoffIdleStrategy();
        while ((v = q.poll()) == null) {
          idle.idle();
        }
        return v;
      }
    };
  }

  /**
   * Park and unpark: each side announces itself before it parks and is unparked by the other. An
   * unpark may reach a thread that has been woken already; so that no wake-up is lost that way, a
   * thread that succeeds passes one on to the next announced thread of its own side while there is
   * still something for it (an element to take, room to fill).
   */
  static final class Parking implements Pipe {
    private final Queue<Integer> q;
    private final int capacity;
    private final Queue<Thread> parkedProducers = new ConcurrentLinkedQueue<>();
    private final Queue<Thread> parkedConsumers = new ConcurrentLinkedQueue<>();

    Parking(Queue<Integer> q, int capacity) {
      this.q = q;
      this.capacity = capacity;
    }

    @Override
    public void send(Integer value) {
      if (!q.offer(value)) {
        Thread me = Thread.currentThread();
        parkedProducers.add(me); // a compare-and-set: ordered before the offer that follows
        while (!q.offer(value)) {
          LockSupport.park(this);
        }
        parkedProducers.remove(me);
      }
      VarHandle.fullFence(); // the element is visible before we look for parked threads
      unparkFirst(parkedConsumers);
      if (q.size() < capacity) {
        unparkFirst(parkedProducers);
      }
    }

    @Override
    public Integer receive() {
      Integer v = q.poll();
      if (v == null) {
        Thread me = Thread.currentThread();
        parkedConsumers.add(me);
        while ((v = q.poll()) == null) {
          LockSupport.park(this);
        }
        parkedConsumers.remove(me);
      }
      VarHandle.fullFence(); // the freed slot is visible before we look for parked threads
      unparkFirst(parkedProducers);
      if (!q.isEmpty()) {
        unparkFirst(parkedConsumers);
      }
      return v;
    }

    private static void unparkFirst(Queue<Thread> parked) {
      Thread t = parked.peek();
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }
}
