package dev.weft.examples.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The replicated map's sessions, expiry and encodings, applied by hand. */
class KvStateMachineTest {
  private long index;

  private byte[] apply(KvStateMachine m, KvCommand c) {
    return m.apply(++index, c.encode());
  }

  private long register(KvStateMachine m, long time) {
    return ByteBuffer.wrap(apply(m, KvCommand.register(time))).getLong();
  }

  private static KvCommand put(long session, long seq, long time, String key, String value) {
    return new KvCommand(session, seq, time, KvCommand.Kind.PUT, key, value, null);
  }

  private static KvCommand get(long session, long seq, long time, String key) {
    return new KvCommand(session, seq, time, KvCommand.Kind.GET, key, null, null);
  }

  // Defect (issue 12): a new KvClient given an existing client id numbered its requests from 1
  // again, and got the first client's stored results (or null, and a NullPointerException). Now
  // the map hands out session ids (the log index of the registration): no two clients share one.
  @Test
  void aNewClientNeverInheritsAnOldClientsSequence() {
    KvStateMachine m = new KvStateMachine();
    long first = register(m, 0);
    apply(m, put(first, 1, 0, "k", "v"));
    long second = register(m, 0);
    assertNotEquals(first, second);
    assertEquals("v", KvResult.decode(apply(m, get(second, 1, 0, "k"))).value());
    assertThrows(SessionExpiredException.class, () -> apply(m, get(99, 1, 0, "k")), "unknown");
  }

  @Test
  void aRetryGetsTheFirstAnswerAndAStaleRetryIsRefused() {
    KvStateMachine m = new KvStateMachine();
    long s = register(m, 0);
    byte[] first = apply(m, new KvCommand(s, 1, 0, KvCommand.Kind.APPEND, "k", "a", null));
    byte[] again = apply(m, new KvCommand(s, 1, 0, KvCommand.Kind.APPEND, "k", "a", null));
    assertArrayEquals(first, again);
    assertEquals("a", m.peek("k"), "executed once");
    assertEquals(1, m.duplicates());
    apply(m, put(s, 2, 0, "k", "b"));
    byte[] before = m.snapshot();
    assertThrows(IllegalStateException.class, () -> apply(m, put(s, 1, 0, "k", "x")));
    assertArrayEquals(before, m.snapshot(), "a refused command changes nothing");
  }

  // Defect (issue 12): the session table never shrank. Sessions now expire by the map's replicated
  // clock (the latest time an applied command carried), as the Raft thesis's §6.3 describes.
  @Test
  void idleSessionsExpireByTheReplicatedClock() {
    KvStateMachine m = new KvStateMachine(Duration.ofMillis(5_000), (i, c) -> {});
    long active = register(m, 0);
    long[] idle = new long[100];
    for (int i = 0; i < idle.length; i++) {
      idle[i] = register(m, 1 + i);
      apply(m, put(idle[i], 1, 1 + i, "k" + i, "v"));
    }
    apply(m, get(active, 1, 4_000, "k0"));
    assertEquals(101, m.sessions(), "nothing idle for 5 s yet");
    apply(m, get(active, 2, 5_500, "k0"));
    assertEquals(5_500, m.clock());
    assertEquals(1, m.sessions(), "the 100 sessions last used before 500 ms are gone");
    assertEquals(100, m.expiredSessions());
    byte[] before = m.snapshot();
    SessionExpiredException e =
        assertThrows(SessionExpiredException.class, () -> apply(m, get(idle[7], 2, 5_600, "k")));
    assertEquals(idle[7], e.session());
    assertArrayEquals(
        before, m.snapshot(), "a refused command changes nothing, not even the clock");
    assertThrows(
        SessionExpiredException.class,
        () -> apply(m, get(active, 3, 10_501, "k0")),
        "the active session too, once idle for longer than the timeout");
  }

  @Test
  void aLaggingClientClockDoesNotMoveTheReplicatedClockBack() {
    KvStateMachine m = new KvStateMachine(Duration.ofMillis(5_000), (i, c) -> {});
    register(m, 10_000);
    long b = register(m, 1); // a client whose clock is behind
    apply(m, put(b, 1, 2, "k", "v"));
    assertEquals(10_000, m.clock());
    assertEquals(2, m.sessions());
  }

  // Defect (issue 12): writeUTF limited keys, values and snapshots to strings of 64 KiB.
  @Test
  void keysAndValuesOfAnySizeSurviveEncodingAndSnapshots() {
    String big = "é".repeat(100_000); // 200,000 bytes of UTF-8
    KvCommand c = put(1, 1, 0, big, big);
    assertEquals(c, KvCommand.decode(c.encode()));
    KvResult r = new KvResult(big, true);
    assertEquals(r, KvResult.decode(r.encode()));
    KvStateMachine m = new KvStateMachine();
    long s = register(m, 0);
    apply(m, put(s, 1, 0, big, big));
    KvStateMachine copy = new KvStateMachine();
    copy.restore(m.snapshot());
    assertEquals(big, copy.peek(big));
    assertArrayEquals(m.snapshot(), copy.snapshot());
    assertEquals(big, KvResult.decode(copy.apply(9, get(s, 2, 0, big).encode())).value());
  }

  @Test
  void aRestoredMapGoesOnExactlyAsTheOriginal() {
    KvStateMachine m = new KvStateMachine(Duration.ofMillis(1_000), (i, c) -> {});
    long s1 = register(m, 0);
    long s2 = register(m, 500);
    apply(m, put(s1, 1, 600, "k", "v"));
    KvStateMachine copy = new KvStateMachine(Duration.ofMillis(1_000), (i, c) -> {});
    copy.restore(m.snapshot());
    assertEquals(m.clock(), copy.clock());
    for (KvStateMachine x : new KvStateMachine[] {m, copy}) {
      x.apply(100, get(s1, 2, 1_550, "k").encode());
      assertEquals(1, x.sessions(), "s2 (last used at 500) expired at 1,550");
    }
    assertArrayEquals(m.snapshot(), copy.snapshot());
    assertThrows(IllegalArgumentException.class, () -> copy.restore(new byte[] {2, 0, 0}));
    assertTrue(s2 > s1);
  }

  @Test
  void commandsCheckTheirFields() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new KvCommand(1, 0, 0, KvCommand.Kind.GET, "k", null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new KvCommand(1, 1, 0, KvCommand.Kind.PUT, "k", null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new KvCommand(1, 1, 0, KvCommand.Kind.REGISTER, "", null, null));
    assertThrows(IllegalArgumentException.class, () -> KvCommand.register(0).toModel());
    assertThrows(IllegalArgumentException.class, () -> KvCommand.decode(new byte[] {1, 2}));
  }
}
