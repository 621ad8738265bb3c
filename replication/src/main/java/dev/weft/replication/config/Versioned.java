package dev.weft.replication.config;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The register's contents: its value and its version, which counts the successful sets (0 before
 * the first). A version names one value for ever, so {@code testAndSet(expected, next)} compares
 * versions.
 *
 * <p>Immutable: the constructor and {@link #value()} copy the array.
 *
 * @param version how many sets the register has taken, from 0
 * @param value the value, empty at version 0
 */
public record Versioned(long version, byte[] value) {
  /** The register before any set. */
  public static final Versioned INITIAL = new Versioned(0, new byte[0]);

  /**
   * Checks and copies the components.
   *
   * @param version the version
   * @param value the value
   * @throws IllegalArgumentException if {@code version} is negative
   * @throws NullPointerException if {@code value} is null
   */
  public Versioned {
    if (version < 0) {
      throw new IllegalArgumentException("negative version " + version);
    }
    value = value.clone();
  }

  /**
   * Returns a copy of the value.
   *
   * @return the value's bytes
   */
  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versioned v && v.version == version && Arrays.equals(v.value, value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "v"
        + version
        + ":"
        + HexFormat.of().formatHex(value, 0, Math.min(8, value.length))
        + (value.length > 8 ? "..+" + (value.length - 8) : "");
  }

  static Versioned of(long version, byte[] value) {
    return new Versioned(version, Objects.requireNonNull(value, "value"));
  }
}
