package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demonstration's chain section runs, repairs and extends the chain, and loses nothing. */
class ChainDemoTest {
  @Test
  @Timeout(60)
  void theChainIsRepairedAndExtendedWithItsInvariantsHolding() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ChainDemo.run(out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("view 1 [s1, s2, s3]"), text);
    // The first view without s2 that the demo sees: on a loaded machine the master may already have
    // begun adding s4 ("view 3 [s1, s3] + s4 joining") by then.
    assertTrue(
        Pattern.compile("view \\d+ \\[s1, s3\\][^\\n]*: the master joins s1 to s3")
            .matcher(text)
            .find(),
        text);
    assertTrue(text.contains("[s1, s3, s4]: s4 has caught up and is the new tail"), text);
    assertTrue(text.contains("all 30 keys read back, 0 missing"), text);
    assertTrue(text.split("invariants hold", -1).length - 1 >= 3, text);
    assertFalse(text.contains("BROKEN"), text);
  }
}
