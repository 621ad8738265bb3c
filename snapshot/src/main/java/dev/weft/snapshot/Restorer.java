package dev.weft.snapshot;

import java.util.List;

/**
 * The application's side of restarting a system from a {@link GlobalSnapshot}: {@link
 * GlobalSnapshot#restore(Restorer)} hands it every process's recorded state, then every channel's
 * recorded in-flight messages.
 *
 * <p><b>The contract that makes the restart sound.</b> The recorded global state is one the system
 * could have been in (Chandy and Lamport, ACM TOCS 1985, section 4: it is reachable from the
 * initial state, and the actual final state is reachable from it). To continue from it:
 *
 * <ol>
 *   <li>in {@link #restoreState}, rebuild each process from its recorded state, with a fresh {@link
 *       SnapshotNode} (snapshot bookkeeping is not part of the state);
 *   <li>in {@link #restoreChannel}, put the messages back on their channel so that the receiver
 *       gets them, in the given order, before anything the restarted sender sends on that channel
 *       (with an empty FIFO channel, sending them now does exactly that);
 *   <li>start the processes only after {@code restore} returns.
 * </ol>
 *
 * <p>Messages that were in flight when the snapshot was taken but are not in its channel states
 * were sent after the sender recorded: the restarted senders have not sent them yet, and will send
 * them again if they behave the same way.
 *
 * <p>Called on the thread that calls {@code restore}, one call at a time.
 *
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public interface Restorer<S, M> {
  /**
   * Restarts {@code process} from {@code state}. Called once per process, in process-name order,
   * before any {@link #restoreChannel} call.
   *
   * @param process the process
   * @param state its recorded state
   */
  void restoreState(String process, S state);

  /**
   * Puts {@code messages} back on {@code channel}, to be received in this order before anything
   * sent on it after the restart. Called once per channel of the snapshot, in {@link ChannelId}
   * order, even when {@code messages} is empty.
   *
   * @param channel the channel
   * @param messages its recorded in-flight messages, oldest first; unmodifiable
   */
  void restoreChannel(ChannelId channel, List<M> messages);
}
