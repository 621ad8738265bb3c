package dev.weft.playground;

import java.nio.charset.StandardCharsets;

/** Commands proposed from the page are short UTF-8 strings. */
final class Commands {
  /** The longest command the page may propose, in characters. */
  static final int MAX_LENGTH = 40;

  private Commands() {}

  static byte[] bytes(String command) {
    return command.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }
}
