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
 * <p>Membership changes themselves (proposing a new configuration, and the rules that keep them
 * safe) are not offered yet; this type, the entry kind, and the core's use of them are what they
 * will build on.
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
