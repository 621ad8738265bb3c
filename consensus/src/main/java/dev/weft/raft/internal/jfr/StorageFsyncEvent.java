package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An {@code fsync} (or {@code fdatasync}) of a storage file or directory. */
@Name("dev.weft.StorageFsync")
@Label("Storage Fsync")
@Category({"weft", "Raft", "Storage"})
@Description("An fsync of a FileStorage file or directory")
@StackTrace(false)
public final class StorageFsyncEvent extends Event {
  @Label("Directory")
  @Description("The storage's directory")
  public String directory;

  @Label("Bytes")
  @Description("Bytes the storage wrote since its previous fsync")
  @DataAmount
  public long bytes;

  @Label("Metadata")
  @Description("True for a sync of the directory's entries, false for a file's data")
  public boolean metadata;

  /**
   * Fills in and commits the event, if a recording wants it; the caller has begun and ended it.
   *
   * @param directory the storage's directory
   * @param bytes bytes written since the previous fsync
   * @param metadata whether the directory itself was synced
   */
  public void finish(String directory, long bytes, boolean metadata) {
    if (WeftJfr.ENABLED && shouldCommit()) {
      this.directory = directory;
      this.bytes = bytes;
      this.metadata = metadata;
      commit();
    }
  }
}
