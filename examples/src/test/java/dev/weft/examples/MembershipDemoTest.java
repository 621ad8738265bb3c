package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demonstration's membership section adds, promotes, removes, transfers and reads. */
class MembershipDemoTest {
  @Test
  @Timeout(60)
  void aLearnerIsPromotedTheLeaderRemovedLeadershipMovedAndReadsAddNoEntries() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      MembershipDemo.run(out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("s4 added as a learner: voters [s1, s2, s3], learners [s4]"), text);
    assertTrue(text.contains("and was promoted: voters [s1, s2, s3, s4]"), text);
    assertTrue(text.contains("removed itself") && text.contains("it is now a FOLLOWER"), text);
    assertTrue(text.contains("leadership moved from"), text);
    assertTrue(text.contains("100 gets served by ReadIndex: 100 values found"), text);
    assertTrue(text.contains("the log grew by 0 entries for them"), text);
  }
}
