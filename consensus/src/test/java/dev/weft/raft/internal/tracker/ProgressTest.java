package dev.weft.raft.internal.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.Membership;
import dev.weft.raft.internal.quorum.VoteResult;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Progress} and {@link ProgressTracker}: invariants under random operations, and the
 * probe/replicate rules against a simple model.
 */
class ProgressTest {
  @Test
  void matchStaysBelowNextAndNeverDecreasesUnderAnyOperations() {
    Random r = new Random(3);
    for (int trial = 0; trial < 500; trial++) {
      Progress p = new Progress(0, 1 + r.nextInt(5), new Inflights(3, 1_000));
      long last = 20;
      long match = 0;
      for (int op = 0; op < 100; op++) {
        switch (r.nextInt(6)) {
          case 0 -> p.maybeUpdate(r.nextInt((int) last + 1));
          case 1 -> p.maybeDecrTo(r.nextInt((int) last + 1), r.nextInt((int) last + 1));
          case 2 -> {
            if (!p.isPaused() && p.next() <= last) {
              p.sent(Math.min(last, p.next() + r.nextInt(3)), r.nextInt(10));
            }
          }
          case 3 -> p.becomeProbe();
          case 4 -> p.becomeReplicate();
          default -> p.heartbeatAnswered();
        }
        assertTrue(p.match() < p.next(), p.toString());
        assertTrue(p.match() >= match, "match went down: " + p);
        match = p.match();
      }
    }
  }

  @Test
  void aProbeIsOneMessageAtATime() {
    Progress p = new Progress(0, 5, new Inflights(3, 1_000));
    assertFalse(p.isPaused());
    p.sent(6, 10);
    assertTrue(p.isPaused(), "waits for the answer");
    assertEquals(5, p.next(), "a probe does not move next");
    p.heartbeatAnswered();
    assertFalse(p.isPaused(), "a heartbeat answer allows another probe");
  }

  @Test
  void replicationPipelinesUpToTheWindow() {
    Progress p = new Progress(0, 1, new Inflights(2, 1_000));
    p.maybeUpdate(4);
    p.becomeReplicate();
    p.sent(6, 1);
    p.sent(8, 1);
    assertEquals(9, p.next());
    assertTrue(p.isPaused(), "two messages in flight fill a window of two");
    p.maybeUpdate(6);
    p.inflights().freeLE(6);
    assertFalse(p.isPaused());
  }

  @Test
  void staleRejectionsAreIgnored() {
    Progress p = new Progress(0, 10, new Inflights(2, 1_000));
    assertFalse(p.maybeDecrTo(5, 2), "a probe only answers to next - 1");
    assertTrue(p.maybeDecrTo(9, 3));
    assertEquals(4, p.next(), "skips to the hint");
    p.maybeUpdate(6);
    p.becomeReplicate();
    assertFalse(p.maybeDecrTo(6, 0), "a rejection at or below match is stale");
    assertTrue(p.maybeDecrTo(9, 0));
    assertEquals(7, p.next());
    assertEquals(Progress.State.PROBE, p.state(), "a broken stream probes again");
  }

  @Test
  void theTrackerCommitsAtTheMajorityMatchAndCountsVotesOnce() {
    ProgressTracker t =
        new ProgressTracker(Membership.of(List.of("a", "b", "c", "d", "e")), 4, 100);
    t.reset("a", 10);
    assertEquals(0, t.committed());
    t.progress("b").maybeUpdate(7);
    t.progress("c").maybeUpdate(9);
    assertEquals(7, t.committed());
    t.recordVote("a", true);
    t.recordVote("b", false);
    t.recordVote("b", true);
    t.recordVote("z", true);
    t.recordVote("c", false);
    assertEquals(dev.weft.raft.internal.quorum.VoteResult.PENDING, t.tallyVotes());
    t.recordVote("d", false);
    assertEquals(dev.weft.raft.internal.quorum.VoteResult.LOST, t.tallyVotes());
    assertFalse(t.quorumActive("a"));
    t.progress("b").recentActive(true);
    t.progress("c").recentActive(true);
    assertTrue(t.quorumActive("a"));
  }

  // Thesis §4.3: in a joint configuration every decision needs a majority of both voter sets.
  @Test
  void aJointConfigurationNeedsBothMajorities() {
    Membership joint = new Membership(List.of("a", "d", "e"), List.of(), List.of("a", "b", "c"));
    ProgressTracker t = new ProgressTracker(joint, 4, 100);
    t.reset("a", 10);
    assertEquals(List.of("a", "d", "e", "b", "c"), t.voters());
    t.progress("b").maybeUpdate(10);
    t.progress("c").maybeUpdate(10);
    assertEquals(0, t.committed(), "a and both old voters: no majority of the new ones");
    t.progress("d").maybeUpdate(8);
    assertEquals(8, t.committed());
    t.recordVote("a", true);
    t.recordVote("b", true);
    assertEquals(VoteResult.PENDING, t.tallyVotes(), "won among the old voters only");
    t.recordVote("e", true);
    assertEquals(VoteResult.WON, t.tallyVotes());
    t.resetVotes();
    t.recordVote("d", false);
    t.recordVote("e", false);
    assertEquals(VoteResult.LOST, t.tallyVotes(), "lost among the new voters");
    t.progress("b").recentActive(true);
    assertFalse(t.quorumActive("a"), "active: a, b of the old; only a of the new");
    t.progress("d").recentActive(true);
    assertTrue(t.quorumActive("a"));
  }

  // Thesis §4.2.1: learners receive the log but never count towards a majority or vote.
  @Test
  void learnersGetProgressButNeitherVoteNorCount() {
    Membership m = new Membership(List.of("a", "b", "c"), List.of("l"), List.of());
    ProgressTracker t = new ProgressTracker(m, 4, 100);
    t.reset("a", 5);
    assertEquals(List.of("a", "b", "c", "l"), t.members());
    assertEquals(List.of("a", "b", "c"), t.voters());
    t.progress("l").maybeUpdate(5);
    assertEquals(0, t.committed(), "the learner's copy does not commit");
    t.recordVote("a", true);
    t.recordVote("l", true);
    assertEquals(VoteResult.PENDING, t.tallyVotes(), "the learner's vote does not count");
    assertFalse(t.isVoter("l"));
  }

  @Test
  void aNewConfigurationKeepsTheProgressOfMembersThatStay() {
    ProgressTracker t = new ProgressTracker(Membership.of(List.of("a", "b", "c")), 4, 100);
    t.reset("a", 10);
    t.progress("b").maybeUpdate(9);
    t.setMembership(Membership.of(List.of("a", "b", "d")), "a", 12);
    assertEquals(9, t.progress("b").match(), "b keeps its progress");
    assertEquals(0, t.progress("d").match(), "d starts from nothing");
    assertEquals(13, t.progress("d").next(), "and is probed from the end of the log");
    assertEquals(null, t.progress("c"), "c is forgotten");
    assertEquals(9, t.committed(), "a and b are a majority of a, b, d");
  }
}
