package dev.weft.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A numbered configuration of a replicated service, as the configuration service hands it out: who
 * serves, in which order. Views are numbered by the configuration service (the number is the
 * version of the register that holds the view), so two servers that agree on a number agree on the
 * whole view.
 *
 * <p>Primary-backup reads {@code members} as {@code [primary]} or {@code [primary, backup]}. Chain
 * replication reads it as the chain from head to tail, and {@code joining} as a server being added
 * behind the tail (it receives state and updates but answers nobody until a later view makes it the
 * tail).
 *
 * @param number the view number, from 1
 * @param members the servers, distinct, at least one
 * @param joining a server being added behind the last member, or null
 */
public record View(long number, List<String> members, String joining) {
  /**
   * Checks and copies the components.
   *
   * @param number the view number
   * @param members the servers
   * @param joining the server being added, or null
   * @throws IllegalArgumentException if {@code number} is below 1, {@code members} is empty or has
   *     duplicates, or {@code joining} is a member
   * @throws NullPointerException if {@code members} or one of them is null
   */
  public View {
    if (number < 1) {
      throw new IllegalArgumentException("view numbers start at 1: " + number);
    }
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a view needs a member");
    }
    if (new HashSet<>(members).size() != members.size()) {
      throw new IllegalArgumentException("members repeat: " + members);
    }
    if (joining != null && members.contains(joining)) {
      throw new IllegalArgumentException(joining + " is both a member and joining");
    }
  }

  /**
   * A view with nobody joining.
   *
   * @param number the view number
   * @param members the servers
   * @return the view
   */
  public static View of(long number, List<String> members) {
    return new View(number, members, null);
  }

  /**
   * The first member: primary-backup's primary, the chain's head.
   *
   * @return its id
   */
  public String first() {
    return members.get(0);
  }

  /**
   * The last member: the chain's tail (for primary-backup, the backup if there is one).
   *
   * @return its id
   */
  public String last() {
    return members.get(members.size() - 1);
  }

  /**
   * Primary-backup's backup: the second member.
   *
   * @return its id, or null in a view of one
   */
  public String backup() {
    return members.size() > 1 ? members.get(1) : null;
  }

  /**
   * Tells whether a server is a member (not counting one that is joining).
   *
   * @param id a server id
   * @return true if it is in {@code members}
   */
  public boolean contains(String id) {
    return members.contains(id);
  }

  /**
   * The member before {@code id}, or the last member for the joining server.
   *
   * @param id a member or the joining server
   * @return its predecessor, or null for the first member or a stranger
   */
  public String predecessor(String id) {
    if (id.equals(joining)) {
      return last();
    }
    int i = members.indexOf(id);
    return i > 0 ? members.get(i - 1) : null;
  }

  /**
   * The member after {@code id}; for the last member, the joining server if there is one.
   *
   * @param id a member
   * @return its successor, or null for the last member of a view nobody is joining, or a stranger
   */
  public String successor(String id) {
    int i = members.indexOf(id);
    if (i < 0) {
      return null;
    }
    return i + 1 < members.size() ? members.get(i + 1) : joining;
  }

  /**
   * The view's members and joining server as bytes, for the configuration service's register (the
   * number is the register's version, so it is not encoded).
   *
   * @return the encoding
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format version
      out.writeInt(members.size());
      for (String m : members) {
        writeString(out, m);
      }
      out.writeBoolean(joining != null);
      if (joining != null) {
        writeString(out, joining);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a view written by {@link #encode()}.
   *
   * @param number the register's version, which is the view number
   * @param bytes the register's value
   * @return the view
   * @throws IllegalArgumentException if the bytes are not a view
   */
  public static View decode(long number, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readByte() != 1) {
        throw new IllegalArgumentException("unknown view format");
      }
      int n = in.readInt();
      if (n < 1 || n > bytes.length) {
        throw new IllegalArgumentException("bad member count " + n);
      }
      String[] members = new String[n];
      for (int i = 0; i < n; i++) {
        members[i] = readString(in, bytes.length);
      }
      String joining = in.readBoolean() ? readString(in, bytes.length) : null;
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after a view");
      }
      return new View(number, List.of(members), joining);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated view", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in, int limit) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > limit) {
      throw new IllegalArgumentException("bad string length " + len);
    }
    byte[] b = in.readNBytes(len);
    if (b.length != len) {
      throw new IllegalArgumentException("truncated string");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "view " + number + " " + members + (joining == null ? "" : " + " + joining + " joining");
  }
}
