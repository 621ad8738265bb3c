package dev.weft.bench.chan;

import com.softwaremill.jox.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * A blocking one-way conduit: weft's channel and each peer behind one interface, so that every
 * shape is written once. Each JMH fork uses one implementation, so calls through the interface stay
 * monomorphic.
 */
interface Pipe {
  void send(Integer value) throws InterruptedException;

  Integer receive() throws InterruptedException;

  /** Boxed values shared by all benchmarks, so that no shape pays for allocation. */
  Integer[] VALUES = values();

  private static Integer[] values() {
    Integer[] v = new Integer[1024];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + 100_000; // outside Integer's cache, like real payloads
    }
    return v;
  }

  /**
   * Makes a pipe. {@code impl}: weft, jox, jdk (SynchronousQueue for capacity 0, otherwise
   * ArrayBlockingQueue) or ltq (LinkedTransferQueue: transfer for capacity 0, otherwise an
   * unbounded put).
   */
  static Pipe create(String impl, int capacity) {
    switch (impl) {
      case "weft":
        return weft(dev.weft.chan.Channel.make(capacity));
      case "jox":
        return jox(
            capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity));
      case "jdk":
        return queue(capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity));
      case "ltq":
        LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
        return capacity == 0 ? transfer(q) : queue(q);
      default:
        throw new IllegalArgumentException("unknown implementation " + impl);
    }
  }

  static Pipe weft(dev.weft.chan.Channel<Integer> ch) {
    return new Pipe() {
      @Override
      public void send(Integer value) throws InterruptedException {
        ch.send(value);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return ch.receive();
      }
    };
  }

  static Pipe jox(Channel<Integer> ch) {
    return new Pipe() {
      @Override
      public void send(Integer value) throws InterruptedException {
        ch.send(value);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return ch.receive();
      }
    };
  }

  static Pipe queue(BlockingQueue<Integer> q) {
    return new Pipe() {
      @Override
      public void send(Integer value) throws InterruptedException {
        q.put(value);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return q.take();
      }
    };
  }

  static Pipe transfer(LinkedTransferQueue<Integer> q) {
    return new Pipe() {
      @Override
      public void send(Integer value) throws InterruptedException {
        q.transfer(value);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return q.take();
      }
    };
  }
}
