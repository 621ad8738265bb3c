/**
 * Go-style synchronisation: {@link dev.weft.sync.WaitGroup}, {@link dev.weft.sync.Mutex} and {@link
 * dev.weft.sync.RWMutex} with {@link dev.weft.sync.Guard}s, {@link dev.weft.sync.Locks}, {@link
 * dev.weft.sync.Once}, {@link dev.weft.sync.OnceValue} and {@link dev.weft.sync.ErrGroup}.
 *
 * <h2>Threads</h2>
 *
 * <p>Every blocking method works the same on platform and virtual threads. Waiting threads park
 * with {@link java.util.concurrent.locks.LockSupport}, never inside {@code synchronized} or native
 * code, so a waiting virtual thread releases its carrier.
 *
 * <h2>Memory visibility</h2>
 *
 * <p>Each type states its happens-before edges, in the sense of JLS 17.4.5. In short: closing a
 * mutex guard happens-before the next acquisition of that mutex; {@code done()} on a wait group
 * happens-before the {@code await()} that it releases returns; the body of a {@code Once} happens-
 * before every {@code run} call on it returns.
 *
 * <h2>Implementation notes: access modes</h2>
 *
 * <p>Shared state is read and written through {@link java.lang.invoke.VarHandle}s or the state of
 * an {@link java.util.concurrent.locks.AbstractQueuedSynchronizer}. Where code uses a mode weaker
 * than volatile, a comment at the access says why it is enough:
 *
 * <ul>
 *   <li><b>plain</b>: no ordering; used only for fields that one thread owns, or for values that
 *       are published by a later release store and read after an acquire load;
 *   <li><b>volatile / compare-and-set</b>: sequentially consistent; used for every state word that
 *       several threads race on.
 * </ul>
 */
package dev.weft.sync;
