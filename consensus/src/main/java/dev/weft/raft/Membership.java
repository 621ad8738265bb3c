package dev.weft.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Raft group's configuration: who votes, who only receives the log, and, during a joint
 * configuration, who voted before (Ongaro's thesis, chapter 4). It is replicated state: it travels
 * in the log as an entry of kind {@link LogEntry.Kind#MEMBERSHIP}, and a node uses the
 * configuration of the last such entry it has applied ({@link RaftNode#membership()}); before any,
 * the voters of its {@link RaftConfig}.
 *
 * <ul>
 *   <li>{@code voters}: the members whose votes elect a leader and whose copies commit an entry (a
 *       majority of them).
 *   <li>{@code learners}: members that receive the log but neither vote nor count towards a
 *       majority, as a new server does while it catches up (thesis §4.2.1).
 *   <li>{@code outgoingVoters}: empty, except in a joint configuration (thesis §4.3), where they
 *       are the voters of the configuration being left, and every decision needs a majority of
 *       {@code voters} and a majority of {@code outgoingVoters}.
 * </ul>
 *
 * <p>A leader changes the configuration with {@link RaftNode#changeMembership(Membership)}; the
 * methods {@link #withLearner}, {@link #promote}, {@link #without} and {@link #replace} give the
 * configuration each common operation reaches from this one.
 *
 * @param voters the voting members, at least one, in the order the leader sends to them
 * @param learners the non-voting members, none of them a voter
 * @param outgoingVoters the voters of the configuration being left, in a joint configuration; else
 *     empty
 */
public record Membership(List<String> voters, List<String> learners, List<String> outgoingVoters) {
  private static final int FORMAT = 1;

  /**
   * Checks and copies the lists.
   *
   * @param voters the voting members
   * @param learners the non-voting members
   * @param outgoingVoters the outgoing voters of a joint configuration, or empty
   * @throws IllegalArgumentException if there is no voter, a list has duplicates, or a learner is
   *     also a voter
   * @throws NullPointerException if a list or an id is null
   */
  public Membership {
    voters = List.copyOf(voters);
    learners = List.copyOf(learners);
    outgoingVoters = List.copyOf(outgoingVoters);
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a configuration needs at least one voter");
    }
    distinct(voters, "voters");
    distinct(learners, "learners");
    distinct(outgoingVoters, "outgoing voters");
    for (String l : learners) {
      if (voters.contains(l)) {
        throw new IllegalArgumentException(l + " is both a voter and a learner");
      }
    }
  }

  /**
   * Returns the configuration of a group of voters, with no learners, not joint.
   *
   * @param voters the voting members
   * @return the configuration
   * @throws IllegalArgumentException if {@code voters} is empty or has duplicates
   */
  public static Membership of(List<String> voters) {
    return new Membership(voters, List.of(), List.of());
  }

  /**
   * Returns this configuration with {@code id} added as a learner.
   *
   * @param id the new member
   * @return the configuration to reach
   * @throws IllegalArgumentException if {@code id} is a member already, or this one is joint
   */
  public Membership withLearner(String id) {
    notJoint();
    if (members().contains(id)) {
      throw new IllegalArgumentException(id + " is already a member of " + this);
    }
    List<String> l = new ArrayList<>(learners);
    l.add(id);
    return new Membership(voters, l, List.of());
  }

  /**
   * Returns this configuration with the learner {@code id} made a voter.
   *
   * @param id a learner
   * @return the configuration to reach
   * @throws IllegalArgumentException if {@code id} is not a learner, or this one is joint
   */
  public Membership promote(String id) {
    notJoint();
    if (!learners.contains(id)) {
      throw new IllegalArgumentException(id + " is not a learner of " + this);
    }
    List<String> v = new ArrayList<>(voters);
    v.add(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    return new Membership(v, l, List.of());
  }

  /**
   * Returns this configuration without the member {@code id}.
   *
   * @param id a voter or learner
   * @return the configuration to reach
   * @throws IllegalArgumentException if {@code id} is not a member, is the only voter, or this one
   *     is joint
   */
  public Membership without(String id) {
    notJoint();
    if (!members().contains(id)) {
      throw new IllegalArgumentException(id + " is not a member of " + this);
    }
    List<String> v = new ArrayList<>(voters);
    v.remove(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("cannot remove " + id + ", the only voter of " + this);
    }
    return new Membership(v, l, List.of());
  }

  /**
   * Returns this configuration with the voter {@code old} replaced by the learner {@code next}: a
   * change of two voters, which goes through a joint configuration.
   *
   * @param old a voter
   * @param next a learner, caught up, to vote in its place
   * @return the configuration to reach
   * @throws IllegalArgumentException if {@code old} is not a voter, {@code next} not a learner, or
   *     this one is joint
   */
  public Membership replace(String old, String next) {
    notJoint();
    if (!voters.contains(old)) {
      throw new IllegalArgumentException(old + " is not a voter of " + this);
    }
    if (!learners.contains(next)) {
      throw new IllegalArgumentException(
          next + " is not a learner of " + this + "; add it as a learner first");
    }
    List<String> v = new ArrayList<>(voters);
    v.set(v.indexOf(old), next);
    List<String> l = new ArrayList<>(learners);
    l.remove(next);
    return new Membership(v, l, List.of());
  }

  private void notJoint() {
    if (isJoint()) {
      throw new IllegalArgumentException(
          "a joint configuration is a step of a change, not a start for one: " + this);
    }
  }

  private static void distinct(List<String> ids, String what) {
    if (new HashSet<>(ids).size() != ids.size()) {
      throw new IllegalArgumentException("duplicate " + what + ": " + ids);
    }
  }

  /**
   * Tells whether this is a joint configuration.
   *
   * @return true if {@link #outgoingVoters()} is not empty
   */
  public boolean isJoint() {
    return !outgoingVoters.isEmpty();
  }

  /**
   * Tells whether {@code id} votes: in {@link #voters()}, or in {@link #outgoingVoters()}.
   *
   * @param id a node id
   * @return true if it votes
   */
  public boolean isVoter(String id) {
    return voters.contains(id) || outgoingVoters.contains(id);
  }

  /**
   * Returns every voter, incoming and outgoing, each once: the nodes a candidate asks for votes.
   *
   * @return the voters, then the outgoing voters that are not also voters
   */
  public List<String> allVoters() {
    Set<String> all = new LinkedHashSet<>(voters);
    all.addAll(outgoingVoters);
    return List.copyOf(all);
  }

  /**
   * Returns every member, each once: the nodes a leader replicates to.
   *
   * @return {@link #allVoters()}, then the learners
   */
  public List<String> members() {
    List<String> all = new ArrayList<>(allVoters());
    all.addAll(learners);
    return List.copyOf(all);
  }

  /**
   * Encodes the configuration as the data of a {@link LogEntry.Kind#MEMBERSHIP} entry: a format
   * byte, then each list as a count and its ids in UTF-8, each with its length.
   *
   * @return the bytes
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      for (List<String> list : List.of(voters, learners, outgoingVoters)) {
        out.writeInt(list.size());
        for (String id : list) {
          byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
          out.writeInt(utf8.length);
          out.write(utf8);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes what {@link #encode()} wrote. Never allocates more than the input can justify.
   *
   * @param data the bytes
   * @return the configuration
   * @throws IllegalArgumentException if the bytes are not an encoded configuration
   * @throws NullPointerException if {@code data} is null
   */
  public static Membership decode(byte[] data) {
    Objects.requireNonNull(data, "data");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown membership format " + format);
      }
      List<String> voters = readList(in, data.length);
      List<String> learners = readList(in, data.length);
      List<String> outgoing = readList(in, data.length);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after a membership");
      }
      return new Membership(voters, learners, outgoing);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated membership", e);
    }
  }

  private static List<String> readList(DataInputStream in, int limit) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > limit) {
      throw new IllegalArgumentException("bad membership count " + n);
    }
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > in.available()) {
        throw new IllegalArgumentException("bad id length " + len);
      }
      ids.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
    }
    return ids;
  }
}
