/**
 * Spin locks, each a single self-contained file implementing {@link
 * java.util.concurrent.locks.Lock}, for comparing lock strategies and for copying the one that
 * wins: {@link dev.weft.sync.locks.TasLock} (test-and-set), {@link dev.weft.sync.locks.TtasLock}
 * (test-and-test-and-set), {@link dev.weft.sync.locks.BackoffLock} (test-and-test-and-set with
 * exponential backoff), {@link dev.weft.sync.locks.TicketLock}, and the queue locks {@link
 * dev.weft.sync.locks.McsLock} and {@link dev.weft.sync.locks.ClhLock}.
 *
 * <p>The benchmark suite in weft's {@code benchmarks} module measures them against {@code
 * synchronized}, {@link java.util.concurrent.locks.ReentrantLock}, {@link
 * java.util.concurrent.locks.StampedLock}, {@link java.util.concurrent.Semaphore} and weft's {@link
 * dev.weft.sync.Mutex}; its README says how to run it.
 *
 * <h2>What they have in common</h2>
 *
 * <ul>
 *   <li>Not reentrant: acquiring a lock the thread holds throws {@link IllegalStateException};
 *       unlocking a lock the thread does not hold throws {@link IllegalMonitorStateException}.
 *   <li>{@code lock()} is not interruptible; {@code lockInterruptibly()} and {@code tryLock(time,
 *       unit)} honour interrupts and timeouts and leave the lock untouched when they give up. Each
 *       class says how it gives up, which for a queue lock means leaving the queue.
 *   <li>Waiting threads spin politely ({@link java.lang.Thread#onSpinWait()}) for a bounded time,
 *       shorter on a virtual thread, then yield or park, so that the locks keep working when
 *       threads outnumber cores and a waiting virtual thread never holds its carrier for long.
 *   <li>{@code newCondition()} returns a condition whose waiters park.
 *   <li>{@code unlock()} happens-before every later acquisition of the same lock.
 * </ul>
 *
 * <h2>Implementation notes: access modes</h2>
 *
 * <p>Atomic updates go through {@link java.lang.invoke.VarHandle}s; other shared fields are
 * volatile. Weaker modes are commented where they are used:
 *
 * <ul>
 *   <li><b>release store</b> ({@code setRelease}): the unlock of a lock word; it publishes the
 *       critical section to the next holder, whose acquiring read-modify-write or volatile read
 *       sees it;
 *   <li><b>plain</b>: the owner (or the holder's queue node), which only the holder writes: after
 *       it acquires, and before it releases.
 * </ul>
 */
package dev.weft.sync.locks;
