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
