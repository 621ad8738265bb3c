package dev.weft.bench.grpc;

import dev.weft.grpc.GrpcTransport;
import dev.weft.grpc.Security;
import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.server.Envelope;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gRPC transport's own cost: one AppendEntries carrying one 64-byte entry from node a to node b
 * over loopback, and b's AppendEntriesResponse back to a ({@code grpc}: two {@link GrpcTransport}s
 * in plaintext, each envelope on the sender's stream to the receiver), against the floor: the same
 * number of bytes each way over a plain TCP socket pair with Nagle off ({@code tcp}). One round
 * trip at a time; sample mode gives the percentiles. Also prints the size of the AppendEntries
 * frame as the transport encodes it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GrpcTransportBench {
  /** What carries the round trip. */
  @Param({"grpc", "tcp"})
  public String path;

  private GrpcTransport a;
  private GrpcTransport b;
  private final LinkedBlockingQueue<Envelope> replies = new LinkedBlockingQueue<>();
  private Envelope request;
  private ServerSocket listener;
  private Socket client;
  private Socket server;
  private Thread echo;
  private DataOutputStream out;
  private DataInputStream in;
  private byte[] tcpRequest;
  private byte[] tcpReply;

  /**
   * Connects the two ends.
   *
   * @throws Exception if they cannot connect
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    byte[] command = new byte[64];
    if (path.equals("grpc")) {
      InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
      a = GrpcTransport.builder("a", Security.plaintext()).peer("b", nowhere).build();
      b = GrpcTransport.builder("b", Security.plaintext()).peer("a", nowhere).build();
      a.setPeerAddress("b", b.address());
      b.setPeerAddress("a", a.address());
      a.start(replies::add); // the benchmark thread waits in poll()
      b.start(
          e -> {
            if (e instanceof Envelope.Raft r
                && r.message() instanceof RaftMessage.AppendEntries ae) {
              long last = ae.entries().get(ae.entries().size() - 1).index();
              b.send(
                  new Envelope.Raft(
                      new RaftMessage.AppendEntriesResponse("b", "a", 1, true, last, 0, 0)));
            }
          });
      request = appendEntries(command, 1);
      // wait for both streams: round trips succeed once they are up
      for (int i = 0; i < 100 && replies.poll(100, TimeUnit.MILLISECONDS) == null; i++) {
        a.send(request);
      }
      Thread.sleep(500);
      replies.clear(); // answers to the sends that opened the streams
      System.out.println(
          "\nAppendEntries frame with one 64-byte entry: "
              + GrpcTransport.encodedSize(request)
              + " bytes of protobuf (gRPC adds 5 per message, HTTP/2 9 per DATA frame)");
    } else {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      server = listener.accept();
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      out = new DataOutputStream(client.getOutputStream());
      in = new DataInputStream(client.getInputStream());
      DataInputStream sin = new DataInputStream(server.getInputStream());
      DataOutputStream sout = new DataOutputStream(server.getOutputStream());
      int requestBytes = GrpcTransport.encodedSize(appendEntries(command, 1));
      int replyBytes =
          GrpcTransport.encodedSize(
              new Envelope.Raft(new RaftMessage.AppendEntriesResponse("b", "a", 1, true, 1, 0, 0)));
      echo =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    byte[] req = new byte[requestBytes];
                    byte[] rep = new byte[replyBytes];
                    try {
                      while (true) {
                        sin.readFully(req);
                        sout.write(rep);
                        sout.flush();
                      }
                    } catch (IOException e) {
                      // closed
                    }
                  });
      request = null;
      tcpRequest = new byte[requestBytes];
      tcpReply = new byte[replyBytes];
    }
  }

  private static Envelope appendEntries(byte[] command, long index) {
    return new Envelope.Raft(
        new RaftMessage.AppendEntries(
            "a", "b", 1, index - 1, 1, List.of(new LogEntry(index, 1, command)), index - 1));
  }

  /**
   * Closes both ends.
   *
   * @throws IOException if a socket cannot be closed
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (a != null) {
      a.close();
      b.close();
    }
    if (client != null) {
      client.close();
      server.close();
      listener.close();
    }
  }

  /**
   * One AppendEntries and its response.
   *
   * @return the response, so it is not dead code
   * @throws Exception if the round trip fails
   */
  @Benchmark
  public Object roundTrip() throws Exception {
    if (request != null) {
      a.send(request);
      Envelope reply = replies.poll(5, TimeUnit.SECONDS);
      if (reply == null) {
        throw new IllegalStateException("no AppendEntriesResponse within 5 s");
      }
      return reply;
    }
    out.write(tcpRequest);
    out.flush();
    in.readFully(tcpReply);
    return tcpReply;
  }
}
