package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.LogEntry;
import dev.weft.raft.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RaftLabTest {
  @Test
  void pressingPlayShowsAnElectionWithinASecondAtThePagesDefaultSpeed() throws IOException {
    long unitsPerSecond = pageDefaultSpeed("raft");
    // Every seed: some node campaigns within the first second of play.
    for (long seed = 0; seed < 100; seed++) {
      RaftLab lab = new RaftLab(seed);
      long t = Actions.until(lab, () -> anyoneCampaigned(lab), 5, 10_000, "campaign");
      assertTrue(t <= unitsPerSecond, "seed " + seed + ": first campaign at " + t + " units");
    }
    // The page opens on the default seed: its first leader is elected within a second.
    RaftLab first = new RaftLab(PlaygroundServer.DEFAULT_SEED);
    long campaign = Actions.until(first, () -> anyoneCampaigned(first), 1, 10_000, "campaign");
    long t = Actions.until(first, () -> first.leader() != null, 1, 10_000, "leader");
    System.out.printf(
        "default seed: first campaign at %d, first leader at %d virtual ms (%d per second)%n",
        campaign, t, unitsPerSecond);
    assertTrue(t <= unitsPerSecond, "default seed: first leader at " + t + " units");
  }

  private static boolean anyoneCampaigned(RaftLab lab) {
    for (String id : RaftLab.IDS) {
      RaftLab.Member m = lab.member(id);
      if (m.node.status().role() != Role.FOLLOWER || m.node.status().term() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Reads the page's default speed for a view from app.js: the page is what the user sees. */
  static long pageDefaultSpeed(String view) throws IOException {
    String js;
    try (InputStream in = PlaygroundServer.class.getResourceAsStream("web/app.js")) {
      js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher speeds = Pattern.compile("const SPEEDS = \\[([0-9, ]+)\\]").matcher(js);
    Matcher def = Pattern.compile(view + ": (\\d+)").matcher(js);
    assertTrue(speeds.find() && def.find(), "app.js declares SPEEDS and DEFAULT_SPEED");
    String[] values = speeds.group(1).split(",\\s*");
    return Long.parseLong(values[Integer.parseInt(def.group(1))]);
  }

  @Test
  void crashingTheLeaderElectsAnotherAndTheOldOneRejoinsAsFollower() {
    RaftLab lab = new RaftLab(7);
    Actions.until(lab, () -> lab.leader() != null, 10, 5_000, "leader");
    String old = lab.leader();
    lab.act(Actions.of("crash", "node", old));
    assertFalse(lab.member(old).up());
    Actions.until(lab, () -> lab.leader() != null && !lab.leader().equals(old), 10, 5_000, "new");
    String next = lab.leader();
    assertNotEquals(old, next);
    lab.act(Actions.of("restart", "node", old));
    Actions.until(
        lab,
        () ->
            lab.member(old).node.status().role() == Role.FOLLOWER
                && next.equals(lab.member(old).node.status().leader()),
        10,
        5_000,
        "old leader following");
    assertNull(lab.stopped());
  }

  @Test
  void aMajorityCommitsDuringAPartitionAndTheMinorityCatchesUpAfterTheHeal() {
    RaftLab lab = new RaftLab(3);
    Actions.until(lab, () -> lab.leader() != null, 10, 5_000, "leader");
    String leader = lab.leader();
    List<String> minority = new ArrayList<>(List.of(leader));
    for (String id : RaftLab.IDS) {
      if (!id.equals(leader) && minority.size() < 2) {
        minority.add(id);
      }
    }
    lab.act(Actions.partition(List.of(minority)));
    Actions.until(
        lab, () -> lab.leader() != null && !minority.contains(lab.leader()), 10, 10_000, "leader");
    lab.act(Actions.of("propose", "command", "x=1"));
    Actions.until(lab, () -> applied(lab, "x=1") == 3, 10, 5_000, "commit in the majority");
    assertEquals(0, applied(lab, minority.get(0), "x=1") + applied(lab, minority.get(1), "x=1"));
    lab.act(Actions.of("heal"));
    Actions.until(lab, () -> applied(lab, "x=1") == 5, 10, 5_000, "commit everywhere");
    assertTrue(lab.safety().checks() > 100);
  }

  @Test
  void aDroppedLinkCarriesNothingAndHealRestoresIt() {
    RaftLab lab = new RaftLab(11);
    Actions.until(lab, () -> lab.leader() != null, 10, 5_000, "leader");
    String leader = lab.leader();
    String other = leader.equals("n1") ? "n2" : "n1";
    lab.act(Actions.of("drop-link", "from", leader, "to", other));
    lab.advanceTo(lab.viewTime() + 300);
    assertTrue(
        lab.state().get("links").toString().contains("state=cut"), lab.state().get("links") + "");
    for (int i = 0; i < 20; i++) {
      lab.advanceTo(lab.viewTime() + 7);
      for (Object m : (List<?>) lab.state().get("messages")) {
        String s = m.toString();
        assertFalse(
            s.contains("from=" + leader + ", to=" + other + ","),
            "a message in flight on the cut link: " + s);
      }
    }
    lab.act(Actions.of("delay-link", "from", other, "to", leader));
    lab.act(Actions.of("heal"));
    assertEquals(List.of(), lab.state().get("links"));
    lab.act(Actions.of("propose", "command", "after"));
    Actions.until(lab, () -> applied(lab, "after") == 5, 10, 5_000, "commit everywhere");
  }

  @Test
  void aBrokenPropertyStopsTheRunAndIsNamed() {
    RaftLab lab = new RaftLab(5);
    Actions.until(lab, () -> lab.leader() != null, 10, 5_000, "leader");
    lab.act(Actions.of("propose", "command", "x=1"));
    Actions.until(lab, () -> applied(lab, "x=1") == 5, 10, 5_000, "commit everywhere");
    String victim = lab.leader().equals("n1") ? "n2" : "n1";
    lab.act(Actions.of("crash", "node", victim));
    // A disk that silently changed a committed entry: the restarted node applies it again.
    RaftLab.Member m = lab.member(victim);
    LogEntry good = m.storage.entries(2, m.storage.lastIndex() + 1, Long.MAX_VALUE).get(0);
    assertTrue(good.dataEquals(Commands.bytes("x=1")), good.toString());
    m.storage.append(List.of(new LogEntry(good.index(), good.term(), Commands.bytes("evil"))));
    lab.act(Actions.of("restart", "node", victim));
    assertNotNull(lab.stopped(), "the run should have stopped");
    assertTrue(lab.stopped().startsWith("State machine safety: "), lab.stopped());
    ApiException refused =
        assertThrows(ApiException.class, () -> lab.advanceTo(lab.viewTime() + 10));
    assertEquals(409, refused.status());
    assertTrue(refused.getMessage().contains("State machine safety"), refused.getMessage());
    assertEquals(409, assertThrows(ApiException.class, lab::stepOne).status());
    assertEquals(409, assertThrows(ApiException.class, () -> lab.act(Actions.of("heal"))).status());
  }

  @Test
  void actionsThatCannotBeTakenAreRefusedWithoutChangingTheRun() {
    RaftLab lab = new RaftLab(2);
    lab.advanceTo(50);
    String before = lab.fingerprint();
    assertEquals(409, refuse(lab, Actions.of("propose", "command", "x")).status()); // no leader
    assertEquals(409, refuse(lab, Actions.of("restart", "node", "n1")).status());
    assertEquals(400, refuse(lab, Actions.of("crash", "node", "n9")).status());
    assertEquals(400, refuse(lab, Actions.of("crash")).status());
    assertEquals(400, refuse(lab, Actions.of("explode", "node", "n1")).status());
    assertEquals(409, refuse(lab, Actions.of("transfer", "node", "n1")).status()); // no leader
    assertEquals(409, refuse(lab, Actions.of("remove-member", "node", "n1")).status());
    assertEquals(400, refuse(lab, Actions.of("add-member", "node", "n9")).status());
    assertEquals(400, refuse(lab, Actions.of("drop-link", "from", "n1", "to", "n1")).status());
    assertEquals(400, refuse(lab, Actions.of("propose", "command", " ")).status());
    assertEquals(
        400, refuse(lab, Actions.partition(List.of(List.of("n1"), List.of("n1", "n2")))).status());
    assertEquals(before, lab.fingerprint());
    assertEquals(0, lab.export().actions().size());
    lab.advanceTo(400);
    assertNull(lab.stopped());
  }

  @Test
  void anExportReplaysToTheSameRun() {
    RaftLab lab = new RaftLab(9);
    Actions.until(lab, () -> lab.leader() != null, 7, 5_000, "leader");
    lab.act(Actions.of("crash", "node", lab.leader()));
    lab.stepOne();
    lab.stepOne();
    lab.advanceTo(lab.viewTime() + 333);
    lab.act(Actions.partition(List.of(List.of("n1", "n2"))));
    lab.advanceTo(lab.viewTime() + 500);
    lab.act(Actions.of("heal"));
    Actions.until(lab, () -> lab.leader() != null, 7, 5_000, "leader");
    lab.act(Actions.of("propose", "command", "y=2"));
    lab.advanceTo(lab.viewTime() + 211);
    Export export = Views.parse(Json.GSON.toJsonTree(lab.export()).getAsJsonObject());

    Lab replay = Views.replay(export);
    assertEquals(lab.fingerprint(), replay.fingerprint());
    assertEquals(lab.viewTime(), replay.viewTime());
    assertEquals(
        Json.GSON.toJson(lab.state().get("nodes")), Json.GSON.toJson(replay.state().get("nodes")));
    // The fingerprint tells runs apart: the same actions from another seed end elsewhere.
    Export other =
        new Export(
            export.format(),
            export.view(),
            export.seed() + 1,
            List.of(),
            export.events(),
            0,
            export.fingerprint(),
            null);
    assertNotEquals(export.fingerprint(), Views.replay(other).fingerprint());
  }

  @Test
  void transferMovesLeadershipToTheChosenTargetWithinAnElectionTimeout() {
    RaftLab lab = new RaftLab(7);
    Actions.until(lab, () -> settled(lab), 10, 5_000, "a settled leader");
    String old = lab.leader();
    long term = lab.member(old).node.status().term();
    String target = RaftLab.IDS.stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();
    assertEquals(409, refuse(lab, Actions.of("transfer", "node", old)).status()); // already leads
    long asked = lab.viewTime();
    lab.act(Actions.of("transfer", "node", target));
    // While the transfer runs the old leader refuses proposals with a reason.
    ApiException busy = refuse(lab, Actions.of("propose", "command", "x=1"));
    assertEquals(409, busy.status());
    assertTrue(busy.getMessage().contains(target), busy.getMessage());
    long took =
        Actions.until(lab, () -> target.equals(lab.leader()), 1, 5_000, "the target leading")
            - asked;
    // TimeoutNow skips the election timeout: far quicker than one (10 ticks of 10 units).
    assertTrue(took < RaftLab.ELECTION_TICKS * RaftLab.TICK, "transfer took " + took + " units");
    assertEquals(term + 1, lab.member(target).node.status().term());
    assertEquals(Role.FOLLOWER, lab.member(old).node.status().role());
    assertTrue(
        lab.story.lines().stream()
            .anyMatch(l -> l.text().contains("hands leadership to " + target)));
    lab.act(Actions.of("propose", "command", "after"));
    Actions.until(lab, () -> applied(lab, "after") == 5, 10, 5_000, "commit everywhere");
    assertNull(lab.stopped());
  }

  @Test
  void removingAFollowerAndThenTheLeaderShrinksTheVotersAndTheRestStillCommit() {
    RaftLab lab = new RaftLab(11);
    Actions.until(lab, () -> settled(lab), 10, 5_000, "a settled leader");
    String leader = lab.leader();
    String follower = RaftLab.IDS.stream().filter(id -> !id.equals(leader)).findFirst().get();
    lab.act(Actions.of("remove-member", "node", follower));
    // One change at a time: a second is refused until the first commits.
    ApiException busy = refuse(lab, Actions.of("remove-member", "node", leader));
    assertEquals(409, busy.status());
    assertTrue(busy.getMessage().contains("in progress"), busy.getMessage());
    Actions.until(
        lab, () -> settled(lab) && voters(lab).size() == 4, 10, 5_000, "the removal committed");
    assertFalse(voters(lab).contains(follower));
    assertNull(member(lab, follower));

    // The leader removes itself: it steps down once that commits, and another voter leads.
    lab.act(Actions.of("remove-member", "node", leader));
    Actions.until(
        lab,
        () -> settled(lab) && voters(lab).size() == 3 && !leader.equals(lab.leader()),
        10,
        5_000,
        "the leader's removal committed and a new leader");
    assertFalse(voters(lab).contains(leader));
    assertEquals("voter", member(lab, lab.leader()));
    assertEquals(409, refuse(lab, Actions.of("transfer", "node", leader)).status()); // not a voter

    lab.act(Actions.of("propose", "command", "three"));
    Actions.until(lab, () -> applied(lab, "three") == 3, 10, 5_000, "commit by the three voters");
    for (String id : voters(lab)) {
      assertEquals(1, applied(lab, id, "three"), id);
    }
    assertEquals(0, applied(lab, follower, "three") + applied(lab, leader, "three"));
    assertNull(lab.stopped());
  }

  @Test
  void addingARemovedNodeBackMakesItALearnerThatCatchesUpAndIsPromoted() {
    RaftLab lab = new RaftLab(5);
    Actions.until(lab, () -> settled(lab), 10, 5_000, "a settled leader");
    String leader = lab.leader();
    String out = RaftLab.IDS.stream().filter(id -> !id.equals(leader)).findFirst().get();
    assertEquals(409, refuse(lab, Actions.of("add-member", "node", out)).status()); // a member
    lab.act(Actions.of("remove-member", "node", out));
    Actions.until(
        lab, () -> settled(lab) && voters(lab).size() == 4, 10, 5_000, "the removal committed");
    // Commands it misses while outside the group.
    for (int i = 0; i < 5; i++) {
      lab.act(Actions.of("propose", "command", "missed" + i));
    }
    Actions.until(lab, () -> applied(lab, "missed4") == 4, 10, 5_000, "commit by four");
    assertEquals(0, applied(lab, out, "missed0"));

    lab.act(Actions.of("add-member", "node", out));
    assertEquals("learner", member(lab, out));
    assertEquals(List.of(out), lab.promoting().stream().toList());
    Actions.until(
        lab, () -> settled(lab) && voters(lab).contains(out), 10, 5_000, "the learner promoted");
    assertTrue(lab.promoting().isEmpty());
    assertEquals(5, voters(lab).size());
    Actions.until(lab, () -> applied(lab, out, "missed4") == 1, 10, 5_000, "the node caught up");
    for (int i = 0; i < 5; i++) {
      assertEquals(1, applied(lab, out, "missed" + i));
    }
    assertTrue(
        lab.story.lines().stream()
            .anyMatch(l -> l.text().contains("learner " + out + " has caught up")));
    assertNull(lab.stopped());
  }

  /** A leader that has committed an entry of its term and whose configuration is committed. */
  private static boolean settled(RaftLab lab) {
    String leader = lab.leader();
    if (leader == null) {
      return false;
    }
    RaftLab.Member m = lab.member(leader);
    long commit = m.node.status().commitIndex();
    return RaftLab.termAt(m.storage, commit) == m.node.status().term()
        && m.node.membershipIndex() <= commit
        && !m.node.membership().isJoint();
  }

  private static List<String> voters(RaftLab lab) {
    return lab.membership().voters();
  }

  @SuppressWarnings("unchecked")
  private static String member(RaftLab lab, String id) {
    for (Object n : (List<Object>) lab.render().get("nodes")) {
      java.util.Map<String, Object> node = (java.util.Map<String, Object>) n;
      if (node.get("id").equals(id)) {
        return (String) node.get("member");
      }
    }
    throw new AssertionError("no node " + id);
  }

  private static ApiException refuse(Lab lab, com.google.gson.JsonObject action) {
    return assertThrows(ApiException.class, () -> lab.act(action));
  }

  private static int applied(RaftLab lab, String command) {
    int n = 0;
    for (String id : RaftLab.IDS) {
      n += applied(lab, id, command);
    }
    return n;
  }

  private static int applied(RaftLab lab, String id, String command) {
    for (LogEntry e : lab.member(id).applied) {
      if (e.dataEquals(Commands.bytes(command))) {
        return 1;
      }
    }
    return 0;
  }
}
