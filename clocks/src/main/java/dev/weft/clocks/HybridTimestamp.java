package dev.weft.clocks;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A hybrid logical clock timestamp: the wall-clock part {@code l} and the logical counter {@code c}
 * of Kulkarni et al. (OPODIS 2014). Timestamps order by wall part, then counter, which is also the
 * unsigned order of their {@linkplain #pack() packed} form.
 *
 * {@snippet :
 * HybridTimestamp ts = clock.now();
 * long word = ts.pack();                       // 48 bits of millis, 16 of counter
 * assert HybridTimestamp.unpack(word).equals(ts);
 * }
 *
 * @param wallMillis the wall-clock part, milliseconds since the epoch, in [0, 2<sup>48</sup>)
 * @param logical the logical counter, in [0, 65535]
 */
public record HybridTimestamp(long wallMillis, int logical) implements Comparable<HybridTimestamp> {
  /** Bits of the counter in the packed form. */
  public static final int LOGICAL_BITS = 16;

  /** The largest counter: 65535. */
  public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;

  /** The largest wall-clock part: 2<sup>48</sup> - 1 milliseconds, in the year 10889. */
  public static final long MAX_WALL_MILLIS = (1L << (Long.SIZE - LOGICAL_BITS)) - 1;

  /** The smallest timestamp, {@code (0, 0)}. */
  public static final HybridTimestamp ZERO = new HybridTimestamp(0, 0);

  private static final int ENCODED_SIZE = 1 + Long.BYTES;

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if either is out of range
   */
  public HybridTimestamp {
    if (wallMillis < 0 || wallMillis > MAX_WALL_MILLIS) {
      throw new IllegalArgumentException(
          "wall-clock part must be in [0, 2^48): " + wallMillis + " ms");
    }
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException("logical counter must be in [0, 65535]: " + logical);
    }
  }

  /**
   * Packs this timestamp into one {@code long}: the wall-clock part in the high 48 bits, the
   * counter in the low 16. Packed values of timestamps before the year 6429 are non-negative and
   * compare like the timestamps; in general compare them with {@link Long#compareUnsigned}.
   *
   * @return {@code wallMillis << 16 | logical}
   */
  public long pack() {
    return wallMillis << LOGICAL_BITS | logical;
  }

  /**
   * Unpacks a value made by {@link #pack()}. Every {@code long} is the packed form of exactly one
   * timestamp.
   *
   * @param packed the packed form
   * @return the timestamp
   */
  public static HybridTimestamp unpack(long packed) {
    return new HybridTimestamp(packed >>> LOGICAL_BITS, (int) (packed & MAX_LOGICAL));
  }

  /**
   * Orders by wall-clock part, then by counter.
   *
   * @param other the timestamp to compare with
   * @return negative, zero or positive as this is before, equal to or after {@code other}
   */
  @Override
  public int compareTo(HybridTimestamp other) {
    return Long.compareUnsigned(pack(), other.pack());
  }

  /**
   * Tells whether this timestamp is after {@code other}.
   *
   * @param other the timestamp to compare with
   * @return {@code compareTo(other) > 0}
   */
  public boolean isAfter(HybridTimestamp other) {
    return compareTo(other) > 0;
  }

  /**
   * Returns the wall-clock part as an instant, dropping the counter.
   *
   * @return the instant {@code wallMillis} after the epoch
   */
  public Instant toInstant() {
    return Instant.ofEpochMilli(wallMillis);
  }

  /**
   * Returns the size of this timestamp's encoding, always 9.
   *
   * @return the number of bytes {@link #toBytes()} returns
   */
  public int encodedSize() {
    return ENCODED_SIZE;
  }

  /**
   * Encodes this timestamp in the format described in the {@linkplain dev.weft.clocks package
   * documentation}: a header byte and the packed form in 8 big-endian bytes.
   *
   * @return a new array holding the encoding
   */
  public byte[] toBytes() {
    return Wire.toBytes(ENCODED_SIZE, this::write);
  }

  /**
   * Writes this timestamp's encoding at the buffer's position and advances it.
   *
   * @param out where to write
   * @throws java.nio.BufferOverflowException if fewer than 9 bytes remain; nothing is written
   * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
   */
  public void writeTo(ByteBuffer out) {
    Wire.writeTo(out, ENCODED_SIZE, this::write);
  }

  private void write(ByteBuffer out) {
    out.put(Wire.header(Wire.KIND_HYBRID));
    long packed = pack();
    for (int shift = Long.SIZE - Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
      out.put((byte) (packed >>> shift));
    }
  }

  /**
   * Decodes a timestamp that fills the whole array.
   *
   * @param bytes an encoding made by {@link #toBytes()}
   * @return the timestamp
   * @throws ClockDecodingException if the bytes are not exactly one valid encoding
   */
  public static HybridTimestamp fromBytes(byte[] bytes) {
    return Wire.fromBytes(bytes, HybridTimestamp::read);
  }

  /**
   * Decodes one timestamp starting at the buffer's position and advances the position past it;
   * bytes after it are left for the caller. On failure the position is unchanged.
   *
   * @param in the buffer to read
   * @return the timestamp
   * @throws ClockDecodingException if no valid encoding starts at the position
   */
  public static HybridTimestamp readFrom(ByteBuffer in) {
    return Wire.readFrom(in, HybridTimestamp::read);
  }

  private static HybridTimestamp read(Wire.Reader in) {
    in.header(Wire.KIND_HYBRID, "HybridTimestamp");
    return unpack(in.fixed64("the packed timestamp"));
  }

  @Override
  public String toString() {
    return "HybridTimestamp[" + wallMillis + "ms+" + logical + "]";
  }
}
