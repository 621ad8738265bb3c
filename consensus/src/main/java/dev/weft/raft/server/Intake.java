package dev.weft.raft.server;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a {@link RaftServer}'s event loop takes in, and how much of it one turn takes: envelopes
 * from the transport (a buffered channel that drops when full), submissions from {@link
 * RaftServer#submit} (a buffered channel that makes submitters wait when full), and submissions
 * made on the loop's own thread by continuations (a queue of the loop's, which never blocks).
 *
 * <p>A turn takes at most {@code maxBatch} inputs in all; the submissions among them are proposed
 * together ({@link #commands}, {@link #futures}).
 *
 * <p>The channels are thread-safe; the rest belongs to the loop's thread.
 */
final class Intake {
  record Submission(byte[] command, CompletableFuture<byte[]> future) {}

  final Channel<Envelope> inbox;
  final Channel<Submission> submissions;
  final List<byte[]> commands = new ArrayList<>();
  final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
  private final ArrayDeque<Submission> local = new ArrayDeque<>();
  private final int maxBatch;

  Intake(int inboxCapacity, int queueCapacity, int maxBatch) {
    this.inbox = Channel.make(inboxCapacity);
    this.submissions = Channel.make(queueCapacity);
    this.maxBatch = maxBatch;
  }

  /** A submission made on the loop's thread: queued for the next turn, never blocking. */
  void addLocal(Submission s) {
    local.addLast(s);
  }

  boolean hasLocal() {
    return !local.isEmpty();
  }

  /** Adds a submission to this turn's batch. */
  void add(Submission s) {
    commands.add(s.command());
    futures.add(s.future());
  }

  /**
   * Takes, without waiting, what is ready until the turn holds {@code maxBatch} inputs: first the
   * loop's own submissions, then envelopes and (unless {@code draining}) submissions, in turn.
   *
   * @param taken inputs this turn has already taken
   * @param draining whether submissions from other threads are no longer taken
   * @param onEnvelope what to do with each envelope taken
   * @return the inputs the turn holds now
   */
  int fill(int taken, boolean draining, Consumer<Envelope> onEnvelope) {
    while (taken < maxBatch && !local.isEmpty()) {
      add(local.pollFirst());
      taken++;
    }
    while (taken < maxBatch) {
      Optional<Envelope> e = inbox.tryReceive();
      if (e.isPresent()) {
        onEnvelope.accept(e.get());
        taken++;
      }
      Optional<Submission> s =
          draining || taken == maxBatch ? Optional.empty() : submissions.tryReceive();
      if (s.isPresent()) {
        add(s.get());
        taken++;
      }
      if (e.isEmpty() && s.isEmpty()) {
        break;
      }
    }
    return taken;
  }

  /** Clears the batch once it has been handed over. */
  void clearBatch() {
    commands.clear();
    futures.clear();
  }

  /**
   * Ends the intake: closes both channels (blocked submitters fail) and fails with {@code cause}
   * the batch, the loop's own submissions and every submission still queued.
   */
  void close(RuntimeException cause) {
    closeQuietly(inbox);
    closeQuietly(submissions);
    futures.forEach(f -> f.completeExceptionally(cause));
    clearBatch();
    for (Submission s = local.pollFirst(); s != null; s = local.pollFirst()) {
      s.future().completeExceptionally(cause);
    }
    for (Optional<Submission> s = submissions.tryReceive();
        s.isPresent();
        s = submissions.tryReceive()) {
      s.get().future().completeExceptionally(cause);
    }
  }

  private static void closeQuietly(Channel<?> c) {
    try {
      c.close();
    } catch (ChannelClosedException e) {
      // closed already
    }
  }
}
