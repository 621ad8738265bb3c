package dev.weft.time;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one timer thread that every {@link Ticker} and timer shares: a daemon platform thread,
 * started on first use, and a queue of tasks ordered by deadline.
 *
 * <h2>Algorithm</h2>
 *
 * <p>A binary min-heap of {@link Task}s by deadline (each task knows its index, so that a cancelled
 * task leaves the heap at once, in O(log n)), guarded by one lock, {@link #LOCK}. The timer thread
 * parks until the earliest deadline, pops the task, puts a periodic task back at its next deadline
 * and runs it, still holding the lock: tasks only hand a value to a channel without waiting, and
 * running them under the lock is what lets a ticker promise that no tick arrives after {@code stop}
 * returns.
 *
 * <p>The difference from {@link java.util.concurrent.ScheduledThreadPoolExecutor}: adding a task
 * wakes the timer thread only if the task is due before the thread would wake anyway, and
 * cancelling never wakes it (the thread wakes at the old deadline, finds nothing due and sleeps
 * again). The executor signals its thread whenever a new task becomes the earliest, which, when a
 * program starts and stops a ticker over and over (a loop around a select with a timeout, say), is
 * every time, and that wake-up is most of what scheduling costs.
 *
 * <p>A task holds its target (a ticker, a timer's channel) weakly, so that a pending task keeps
 * nothing alive; a task whose target has been collected is dropped instead of run.
 */
final class Scheduler {
  /**
   * Guards the heap, the tasks' fields, and the tickers' state (see {@link Ticker}). Tasks run with
   * it held.
   */
  static final ReentrantLock LOCK = new ReentrantLock();

  /** The longest delay: keeps every deadline within half the range of {@code nanoTime}. */
  private static final long MAX_DELAY = Long.MAX_VALUE / 4;

  private static Task<?>[] heap = new Task<?>[16];
  private static int size;

  /** The timer thread, once started. */
  private static Thread thread;

  /** Whether the timer thread is parked, or about to park, until {@link #wakeAt}. */
  private static boolean parked;

  /** When the parked timer thread wakes by itself. */
  private static long wakeAt;

  private Scheduler() {}

  /**
   * A scheduled action on a target that it holds weakly.
   *
   * @param <T> the target's type
   */
  abstract static class Task<T> extends WeakReference<T> {
    /** The {@link System#nanoTime()} at which it runs next; guarded by {@link #LOCK}. */
    long deadline;

    /** 0 for a one-shot task, else the time between runs. */
    final long period;

    /** The task's place in the heap, or -1 when not scheduled; guarded by {@link #LOCK}. */
    int index = -1;

    Task(T target, long period) {
      super(target);
      this.period = period;
    }

    /** Runs on the timer thread, with {@link #LOCK} held; must not block. */
    abstract void run(T target);

    final void fire() {
      T target = get();
      if (target != null) {
        run(target);
      } else if (index >= 0) {
        removeAt(index); // the target was collected: a periodic task ends
      }
    }
  }

  /** With {@link #LOCK} held: schedules {@code t} to run {@code delayNanos} from now. */
  static void scheduleLocked(Task<?> t, long delayNanos) {
    t.deadline = System.nanoTime() + Math.min(Math.max(delayNanos, 0), MAX_DELAY);
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, 2 * size);
    }
    t.index = size++;
    siftUp(t);
    if (thread == null) {
      thread = Thread.ofPlatform().name("weft-timer").daemon(true).start(Scheduler::loop);
    } else if (parked && t.deadline - wakeAt < 0) {
      wakeAt = t.deadline; // it wakes earlier now; later tasks need not wake it again
      LockSupport.unpark(thread);
    }
  }

  /** With {@link #LOCK} held: cancels {@code t}, if it is scheduled. Never wakes the thread. */
  static void cancelLocked(Task<?> t) {
    if (t.index >= 0) {
      removeAt(t.index);
    }
  }

  /** Schedules a one-shot task. */
  static void once(Task<?> t, long delayNanos) {
    LOCK.lock();
    try {
      scheduleLocked(t, delayNanos);
    } finally {
      LOCK.unlock();
    }
  }

  /** Tasks waiting in the queue now; for tests. */
  static int queued() {
    LOCK.lock();
    try {
      return size;
    } finally {
      LOCK.unlock();
    }
  }

  private static void loop() {
    LOCK.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        Task<?> first = heap[0];
        if (first == null || first.deadline - now > 0) {
          parked = true;
          wakeAt = first == null ? now + MAX_DELAY : first.deadline;
          LOCK.unlock();
          try {
            // A task scheduled meanwhile unparks us if it is due earlier; the permit survives
            // the window between unlocking and parking.
            LockSupport.parkNanos(Scheduler.class, wakeAt - now);
          } finally {
            LOCK.lock();
            parked = false;
          }
          continue;
        }
        removeAt(0);
        if (first.period > 0) {
          first.deadline = next(first.deadline, first.period, now);
          first.index = size++;
          siftUp(first);
        }
        try {
          first.fire();
        } catch (RuntimeException | Error e) {
          cancelLocked(first); // a task that fails is not run again; the thread goes on
          System.getLogger("dev.weft.time")
              .log(System.Logger.Level.WARNING, "a timer task failed and was cancelled", e);
        }
      }
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * The next deadline of a periodic task: one period on, or, if the thread fell behind by more than
   * that, the first deadline in the future on the same phase (ticks missed meanwhile are dropped,
   * as Go's tickers drop them).
   */
  static long next(long deadline, long period, long now) {
    long next = deadline + period;
    if (next - now <= 0) {
      next += ((now - next) / period + 1) * period;
    }
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // The heap, with LOCK held

  private static boolean earlier(Task<?> a, Task<?> b) {
    return a.deadline - b.deadline < 0;
  }

  private static void place(Task<?> t, int i) {
    heap[i] = t;
    t.index = i;
  }

  private static void removeAt(int i) {
    Task<?> removed = heap[i];
    Task<?> last = heap[--size];
    heap[size] = null;
    removed.index = -1;
    if (last != removed) {
      place(last, i);
      siftDown(last);
      if (last.index == i) {
        siftUp(last);
      }
    }
  }

  private static void siftUp(Task<?> t) {
    int i = t.index;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Task<?> p = heap[parent];
      if (!earlier(t, p)) {
        break;
      }
      place(p, i);
      i = parent;
    }
    place(t, i);
  }

  private static void siftDown(Task<?> t) {
    int i = t.index;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Task<?> c = heap[child];
      int right = child + 1;
      if (right < size && earlier(heap[right], c)) {
        child = right;
        c = heap[child];
      }
      if (!earlier(c, t)) {
        break;
      }
      place(c, i);
      i = child;
    }
    place(t, i);
  }
}
