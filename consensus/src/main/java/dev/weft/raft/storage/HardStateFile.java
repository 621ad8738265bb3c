package dev.weft.raft.storage;

import dev.weft.raft.HardState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file {@value #NAME}: one {@code HARD_STATE} record, replaced atomically (written to {@value
 * #TEMP}, synced, renamed over it, directory synced), so a crash leaves the old hard state or the
 * new one, never a mix.
 */
final class HardStateFile {
  static final String NAME = "hardstate";
  static final String TEMP = "hardstate.tmp";

  private HardStateFile() {}

  static HardState read(FileIo io, Path file) throws IOException {
    try (FileChannel ch = io.open(file, StandardOpenOption.READ)) {
      RecordReader r = new RecordReader(ch, 0, ch.size());
      if (!r.next()) {
        throw new StorageCorruptedException(
            file, r.position(), r.problem() == null ? "empty hard state file" : r.problem());
      }
      int length = r.payloadLength();
      if (r.type() != Records.HARD_STATE || length < 20) {
        throw new StorageCorruptedException(file, 0, "not a hard state record");
      }
      long term = r.payloadLong(0);
      long commit = r.payloadLong(8);
      int voteLength = r.payloadInt(16);
      if (term < 0 || commit < 0 || voteLength < -1 || length != 20 + Math.max(0, voteLength)) {
        throw new StorageCorruptedException(file, 0, "malformed hard state record");
      }
      String vote =
          voteLength < 0
              ? null
              : new String(r.payloadBytes(20, voteLength), StandardCharsets.UTF_8);
      long end = r.position();
      if (end != ch.size()) {
        throw new StorageCorruptedException(file, end, "data after the hard state record");
      }
      return new HardState(term, vote, commit);
    }
  }

  static void write(FileIo io, Path directory, HardState state, Stats stats) throws IOException {
    byte[] vote =
        state.votedFor() == null ? null : state.votedFor().getBytes(StandardCharsets.UTF_8);
    RecordBuffer b = new RecordBuffer(64 + (vote == null ? 0 : vote.length));
    b.begin(Records.HARD_STATE).putLong(state.term()).putLong(state.commit());
    if (vote == null) {
      b.putInt(-1);
    } else {
      b.putInt(vote.length).put(vote, 0, vote.length);
    }
    b.end();
    Path temp = directory.resolve(TEMP);
    try (FileChannel ch =
        io.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      b.writeTo(ch, 0);
      stats.force(ch);
    }
    io.move(temp, directory.resolve(NAME));
    stats.syncDirectory(io, directory);
  }
}
