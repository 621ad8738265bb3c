package dev.weft.replication.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegisterTest {
  private static ConfigMessage.Reply apply(Register r, ConfigMessage.Request q) {
    byte[] out = r.apply(1, Register.encode(q));
    return out == null ? null : Register.decodeReply(out);
  }

  @Test
  void testAndSetSetsOnlyFromTheExpectedVersion() {
    Register r = new Register();
    var first = apply(r, new ConfigMessage.Request(1, 1, true, 0, new byte[] {1}));
    assertTrue(first.ok());
    assertEquals(1, first.current().version());
    var stale = apply(r, new ConfigMessage.Request(2, 1, true, 0, new byte[] {2}));
    assertFalse(stale.ok());
    assertArrayEquals(new byte[] {1}, stale.current().value());
    var get = apply(r, new ConfigMessage.Request(2, 2, false, 0, new byte[0]));
    assertTrue(get.ok());
    assertEquals(1, get.current().version());
  }

  @Test
  void aRetriedTestAndSetIsAnsweredAsTheFirstTime() {
    Register r = new Register();
    var q = new ConfigMessage.Request(1, 1, true, 0, new byte[] {1});
    assertTrue(apply(r, q).ok());
    var retry = apply(r, q);
    assertTrue(retry.ok(), "the retry reports the win, though the version moved");
    assertEquals(1, r.current().version(), "and sets nothing again");
    apply(r, new ConfigMessage.Request(1, 2, false, 0, new byte[0]));
    assertNull(apply(r, q), "an older request is stale");
  }

  @Test
  void aSnapshotRestoresRegisterAndSessions() {
    Register r = new Register();
    var q = new ConfigMessage.Request(5, 1, true, 0, new byte[] {9});
    apply(r, q);
    Register copy = new Register();
    copy.restore(r.snapshot());
    assertEquals(r.current(), copy.current());
    assertTrue(apply(copy, q).ok());
    assertEquals(1, copy.current().version());
    assertThrows(IllegalArgumentException.class, () -> copy.restore(new byte[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> r.apply(2, new byte[] {7}));
  }
}
