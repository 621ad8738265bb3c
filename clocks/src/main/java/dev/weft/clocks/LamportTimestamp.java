package dev.weft.clocks;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A Lamport time paired with the process that made it, which orders all events totally: by time,
 * then by process id (Lamport, CACM 1978, "the relation ⇒"). Events of one process have distinct
 * times, so two distinct events never compare equal.
 *
 * {@snippet :
 * LamportTimestamp stamp = new LamportTimestamp(clock.send(), "node-1");
 * byte[] wire = stamp.toBytes();
 * LamportTimestamp received = LamportTimestamp.fromBytes(wire);
 * }
 *
 * @param time the Lamport time, not negative
 * @param process the id of the process whose clock produced {@code time}
 */
public record LamportTimestamp(long time, String process) implements Comparable<LamportTimestamp> {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if {@code time} is negative
   * @throws NullPointerException if {@code process} is null
   */
  public LamportTimestamp {
    Objects.requireNonNull(process, "process");
    if (time < 0) {
      throw new IllegalArgumentException("Lamport time must not be negative: " + time);
    }
  }

  /**
   * Orders by time, then by process id ({@link String#compareTo}).
   *
   * @param other the timestamp to compare with
   * @return negative, zero or positive as this is before, equal to or after {@code other}
   */
  @Override
  public int compareTo(LamportTimestamp other) {
    int byTime = Long.compare(time, other.time);
    return byTime != 0 ? byTime : process.compareTo(other.process);
  }

  /**
   * Returns the size of this timestamp's encoding.
   *
   * @return the number of bytes {@link #toBytes()} returns
   * @throws IllegalArgumentException if the process id cannot be encoded (an unpaired surrogate, or
   *     more than 1024 UTF-8 bytes)
   */
  public int encodedSize() {
    return 1 + Wire.varintSize(time) + Wire.stringSize(process);
  }

  /**
   * Encodes this timestamp in the format described in the {@linkplain dev.weft.clocks package
   * documentation}.
   *
   * @return a new array holding the encoding
   * @throws IllegalArgumentException if the process id cannot be encoded (an unpaired surrogate, or
   *     more than 1024 UTF-8 bytes)
   */
  public byte[] toBytes() {
    return Wire.toBytes(encodedSize(), this::write);
  }

  /**
   * Writes this timestamp's encoding at the buffer's position and advances it.
   *
   * @param out where to write
   * @throws java.nio.BufferOverflowException if fewer than {@link #encodedSize()} bytes remain;
   *     nothing is written
   * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
   * @throws IllegalArgumentException if the process id cannot be encoded
   */
  public void writeTo(ByteBuffer out) {
    Wire.writeTo(out, encodedSize(), this::write);
  }

  private void write(ByteBuffer out) {
    out.put(Wire.header(Wire.KIND_LAMPORT));
    Wire.putVarint(out, time);
    Wire.putString(out, process);
  }

  /**
   * Decodes a timestamp that fills the whole array.
   *
   * @param bytes an encoding made by {@link #toBytes()}
   * @return the timestamp
   * @throws ClockDecodingException if the bytes are not exactly one valid encoding
   */
  public static LamportTimestamp fromBytes(byte[] bytes) {
    return Wire.fromBytes(bytes, LamportTimestamp::read);
  }

  /**
   * Decodes one timestamp starting at the buffer's position and advances the position past it;
   * bytes after it are left for the caller. On failure the position is unchanged.
   *
   * @param in the buffer to read
   * @return the timestamp
   * @throws ClockDecodingException if no valid encoding starts at the position
   */
  public static LamportTimestamp readFrom(ByteBuffer in) {
    return Wire.readFrom(in, LamportTimestamp::read);
  }

  private static LamportTimestamp read(Wire.Reader in) {
    in.header(Wire.KIND_LAMPORT, "LamportTimestamp");
    long time = in.varint("the time");
    return new LamportTimestamp(time, in.processId());
  }
}
