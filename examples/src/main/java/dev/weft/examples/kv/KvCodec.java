package dev.weft.examples.kv;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The map's binary helpers: strings as an {@code int} length and UTF-8 bytes (no 64 KiB limit, as
 * {@code writeUTF} has), nullable strings and byte arrays behind a presence flag. Reading checks
 * every length against what is left, so bad input fails with {@link IllegalArgumentException}
 * instead of a large allocation.
 */
final class KvCodec {
  private KvCodec() {}

  static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IllegalArgumentException("bad length " + n);
    }
    return in.readNBytes(n);
  }

  static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  static void writeNullableBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeBoolean(b != null);
    if (b != null) {
      writeBytes(out, b);
    }
  }

  static byte[] readNullableBytes(DataInputStream in) throws IOException {
    return in.readBoolean() ? readBytes(in) : null;
  }
}
