package dev.weft.examples.kv;

import dev.weft.testkit.lin.KeyValueModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The answer to a {@link KvCommand}: for get, the value read (null if absent); for cas, whether it
 * swapped; for delete, whether the key was there; for put and append, {@code ok} is true.
 *
 * @param value the value read by get, else null
 * @param ok false for a cas that did not swap or a delete of an absent key
 */
public record KvResult(String value, boolean ok) {
  /**
   * The result as the testkit's sequential model of a map sees it, for checking histories.
   *
   * @return the model's result
   */
  public KeyValueModel.Result toModel() {
    return new KeyValueModel.Result(value, ok);
  }

  /**
   * Encodes the result.
   *
   * @return the bytes
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(ok);
      KvCodec.writeNullable(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a result written by {@link #encode()}.
   *
   * @param bytes the encoded result
   * @return the result
   * @throws IllegalArgumentException if the bytes are not a result
   */
  public static KvResult decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      boolean ok = in.readBoolean();
      KvResult r = new KvResult(KvCodec.readNullable(in), ok);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after a result");
      }
      return r;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated result", e);
    }
  }
}
