package dev.weft.testkit.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/** A channel on a {@link FaultyDisk} file; dead once the disk crashes. */
final class SimFileChannel extends FileChannel {
  private final FaultyDisk disk;
  private final Path path;
  private final FaultyDisk.Inode inode;
  private final long epoch;
  private final boolean readable;
  private final boolean writable;
  private long position;

  SimFileChannel(
      FaultyDisk disk,
      Path path,
      FaultyDisk.Inode inode,
      long epoch,
      boolean readable,
      boolean writable) {
    this.disk = disk;
    this.path = path;
    this.inode = inode;
    this.epoch = epoch;
    this.readable = readable;
    this.writable = writable;
  }

  private void check() throws IOException {
    if (!isOpen() || !disk.live(epoch)) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (disk) {
      int n = read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    synchronized (disk) {
      int n = write(src, position);
      position += n;
      return n;
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(srcs[i]);
    }
    return total;
  }

  @Override
  public long position() throws IOException {
    check();
    return position;
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    check();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    synchronized (disk) {
      check();
      return inode.size;
    }
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    synchronized (disk) {
      check();
      if (!writable) {
        throw new NonWritableChannelException();
      }
      if (size < 0) {
        throw new IllegalArgumentException("negative size: " + size);
      }
      if (size < inode.size) {
        disk.mutation();
        inode.truncate(size);
      }
      position = Math.min(position, size);
      return this;
    }
  }

  @Override
  public void force(boolean metaData) throws IOException {
    synchronized (disk) {
      check();
      disk.forced(inode);
    }
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    synchronized (disk) {
      check();
      if (!readable) {
        throw new NonReadableChannelException();
      }
      if (at >= inode.size) {
        return dst.hasRemaining() ? -1 : 0;
      }
      int n = (int) Math.min(dst.remaining(), inode.size - at);
      dst.put(inode.data, (int) at, n);
      return n;
    }
  }

  @Override
  public int write(ByteBuffer src, long at) throws IOException {
    synchronized (disk) {
      check();
      if (!writable) {
        throw new NonWritableChannelException();
      }
      disk.mutation();
      byte[] bytes = new byte[src.remaining()];
      src.get(bytes);
      inode.write(at, bytes);
      return bytes.length;
    }
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) {
    throw new UnsupportedOperationException("not simulated");
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) {
    throw new UnsupportedOperationException("not simulated");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("not simulated");
  }

  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    FileLock lock = tryLock(at, size, shared);
    if (lock == null) {
      throw new IOException("simulated locks do not wait");
    }
    return lock;
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) throws IOException {
    synchronized (disk) {
      check();
      Lock held = disk.locks().get(inode);
      if (held != null && held.isValid()) {
        throw new OverlappingFileLockException();
      }
      Lock lock = new Lock(this, at, size, shared);
      disk.locks().put(inode, lock);
      return lock;
    }
  }

  @Override
  protected void implCloseChannel() {
    synchronized (disk) {
      Lock held = disk.locks().get(inode);
      if (held != null && held.channel() == this) {
        disk.locks().remove(inode);
      }
    }
  }

  @Override
  public String toString() {
    return "SimFileChannel[" + path + "]";
  }

  /** A lock held through a {@link SimFileChannel}, until released, closed or crashed. */
  final class Lock extends FileLock {
    private boolean released;

    Lock(SimFileChannel channel, long at, long size, boolean shared) {
      super(channel, at, size, shared);
    }

    @Override
    public boolean isValid() {
      synchronized (disk) {
        return !released && SimFileChannel.this.isOpen() && disk.live(epoch);
      }
    }

    @Override
    public void release() throws IOException {
      synchronized (disk) {
        if (!SimFileChannel.this.isOpen()) {
          throw new ClosedChannelException();
        }
        released = true;
        if (disk.locks().get(inode) == this) {
          disk.locks().remove(inode);
        }
      }
    }
  }
}
