package dev.weft.raft.internal.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Majority} against brute-force oracles, over random inputs. */
class MajorityTest {
  @Test
  void committedIndexIsTheHighestIndexAMajorityReached() {
    Random r = new Random(1);
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 1 + r.nextInt(9);
      long[] matches = new long[n];
      for (int i = 0; i < n; i++) {
        matches[i] = r.nextInt(12);
      }
      long[] copy = matches.clone();
      assertEquals(oracleCommitted(matches), Majority.committedIndex(matches));
      assertEquals(java.util.Arrays.toString(copy), java.util.Arrays.toString(matches));
    }
  }

  /** The largest i such that more than half the voters have match >= i, by trying every i. */
  private static long oracleCommitted(long[] matches) {
    long best = 0;
    for (long i = 0; i <= 12; i++) {
      int reached = 0;
      for (long m : matches) {
        if (m >= i) {
          reached++;
        }
      }
      if (reached * 2 > matches.length) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void voteResultMatchesEnumeratingTheMissingVotes() {
    for (int n = 1; n <= 9; n++) {
      for (int granted = 0; granted <= n; granted++) {
        for (int refused = 0; granted + refused <= n; refused++) {
          int missing = n - granted - refused;
          // WON if every completion wins, LOST if none does, else PENDING.
          boolean canWin = (granted + missing) * 2 > n;
          boolean mustWin = granted * 2 > n;
          VoteResult expected =
              mustWin ? VoteResult.WON : canWin ? VoteResult.PENDING : VoteResult.LOST;
          assertEquals(expected, Majority.voteResult(n, granted, refused), n + " " + granted);
        }
      }
    }
  }

  // Thesis §4.3: an index is committed in a joint configuration when both halves reached it.
  @Test
  void jointCommittedIndexIsReachedByMajoritiesOfBothHalves() {
    Random r = new Random(2);
    for (int trial = 0; trial < 20_000; trial++) {
      long[] in = randomMatches(r, 1 + r.nextInt(7));
      long[] out = randomMatches(r, r.nextInt(7));
      long best = 0;
      for (long i = 0; i <= 12; i++) {
        if (reachedByMajority(in, i) && (out.length == 0 || reachedByMajority(out, i))) {
          best = i;
        }
      }
      assertEquals(best, Majority.jointCommittedIndex(in, out));
    }
  }

  @Test
  void jointVoteResultMatchesEnumeratingTheMissingVotesOfBothHalves() {
    for (int nIn = 1; nIn <= 5; nIn++) {
      for (int nOut = 0; nOut <= 5; nOut++) {
        for (int gIn = 0; gIn <= nIn; gIn++) {
          for (int rIn = 0; gIn + rIn <= nIn; rIn++) {
            for (int gOut = 0; gOut <= nOut; gOut++) {
              for (int rOut = 0; gOut + rOut <= nOut; rOut++) {
                boolean canWin = false;
                boolean mustWin = true;
                for (int kIn = 0; kIn <= nIn - gIn - rIn; kIn++) {
                  for (int kOut = 0; kOut <= nOut - gOut - rOut; kOut++) {
                    boolean wins = (gIn + kIn) * 2 > nIn && (nOut == 0 || (gOut + kOut) * 2 > nOut);
                    canWin |= wins;
                    mustWin &= wins;
                  }
                }
                VoteResult expected =
                    mustWin ? VoteResult.WON : canWin ? VoteResult.PENDING : VoteResult.LOST;
                VoteResult out = nOut == 0 ? VoteResult.WON : Majority.voteResult(nOut, gOut, rOut);
                assertEquals(
                    expected,
                    Majority.jointVoteResult(Majority.voteResult(nIn, gIn, rIn), out),
                    nIn + " " + gIn + " " + rIn + " / " + nOut + " " + gOut + " " + rOut);
              }
            }
          }
        }
      }
    }
  }

  private static long[] randomMatches(Random r, int n) {
    long[] m = new long[n];
    for (int i = 0; i < n; i++) {
      m[i] = r.nextInt(12);
    }
    return m;
  }

  private static boolean reachedByMajority(long[] matches, long index) {
    int reached = 0;
    for (long m : matches) {
      if (m >= index) {
        reached++;
      }
    }
    return reached * 2 > matches.length;
  }

  @Test
  void impossibleInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Majority.size(0));
    assertThrows(IllegalArgumentException.class, () -> Majority.committedIndex(new long[0]));
    assertThrows(IllegalArgumentException.class, () -> Majority.voteResult(3, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Majority.voteResult(3, -1, 0));
    assertEquals(2, Majority.size(3));
    assertEquals(3, Majority.size(4));
  }
}
