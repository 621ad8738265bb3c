package dev.weft.bench.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP proxy on loopback that forwards every connection to one target and counts the bytes it
 * moves in both directions: what a Raft node receives and answers, as its peers' TCP payload
 * (without the TCP/IP headers).
 */
final class CountingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final LongAdder bytes = new LongAdder();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  CountingProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("proxy-accept").start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  long bytes() {
    return bytes.sum();
  }

  private void accept() {
    try {
      while (true) {
        Socket in = listener.accept();
        Socket out = new Socket(target.getAddress(), target.getPort());
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        sockets.add(in);
        sockets.add(out);
        Thread.ofVirtual().start(() -> copy(in, out));
        Thread.ofVirtual().start(() -> copy(out, in));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void copy(Socket from, Socket to) {
    byte[] buffer = new byte[64 << 10];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        bytes.add(n);
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      close(s);
    }
  }
}
