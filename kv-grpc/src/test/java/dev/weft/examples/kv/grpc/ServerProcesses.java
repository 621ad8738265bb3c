package dev.weft.examples.kv.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Key-value servers as separate JVMs ({@code KvMain server}), on loopback ports picked by the
 * system, each with its storage directory and its log file under one directory. Kills with SIGKILL,
 * restarts on the same directory and port, and destroys every process on {@link #close}. Servers
 * run with {@code --watch-stdin}, so that they also stop if this JVM dies.
 */
final class ServerProcesses implements AutoCloseable {
  private final Path dir;
  private final Peers peers;
  private final UnaryOperator<List<String>> wrap;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();

  /**
   * @param dir where data directories and logs go
   * @param ids the nodes
   * @param wrap turns a server's command line into the one to run (to run it in a network
   *     namespace, say); the identity for a plain process
   */
  ServerProcesses(Path dir, List<String> ids, UnaryOperator<List<String>> wrap) {
    this.dir = dir;
    this.wrap = wrap;
    StringJoiner list = new StringJoiner(",");
    for (String id : ids) {
      list.add(id + "=127.0.0.1:" + freePort());
    }
    this.peers = Peers.parse(list.toString());
  }

  ServerProcesses(Path dir, List<String> ids, Peers peers, UnaryOperator<List<String>> wrap) {
    this.dir = dir;
    this.wrap = wrap;
    this.peers = peers;
  }

  /** A port free now (the system's choice); a server binds it a moment later. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Peers peers() {
    return peers;
  }

  /** The command line of a server JVM running {@link KvMain} from this JVM's class path. */
  List<String> command(String id) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // small and quick to start: three of these share two cores with the test
    c.addAll(
        List.of(
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            KvMain.class.getName(),
            "server",
            "--id",
            id,
            "--peers",
            peersText(),
            "--data",
            dir.resolve("data-" + id).toString(),
            "--plaintext",
            // small, so that a run snapshots and compacts several times and a restarted server
            // recovers from its snapshot and the log after it
            "--snapshot-every",
            "50",
            "--watch-stdin"));
    return wrap.apply(c);
  }

  String peersText() {
    StringJoiner j = new StringJoiner(",");
    peers.addresses().forEach((id, a) -> j.add(id + "=" + a.getHostString() + ":" + a.getPort()));
    return j.toString();
  }

  /** Starts (or restarts) a server; its output goes to {@code server-ID-N.log}. */
  void start(String id) throws IOException {
    if (running.containsKey(id) && running.get(id).isAlive()) {
      throw new IllegalStateException(id + " is running");
    }
    int n = starts.merge(id, 1, Integer::sum);
    Path log = dir.resolve("server-" + id + "-" + n + ".log");
    Process p =
        new ProcessBuilder(command(id))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start(); // stdin stays a pipe held by this JVM: --watch-stdin
    running.put(id, p);
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill(String id) throws InterruptedException {
    Process p = running.get(id);
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs, nothing is flushed
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(id + " survived SIGKILL");
    }
  }

  boolean alive(String id) {
    Process p = running.get(id);
    return p != null && p.isAlive();
  }

  /** The last lines of every server log, for a failure message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        b.append("---- ").append(f.getFileName()).append('\n');
        for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) {
          b.append(l).append('\n');
        }
      }
    } catch (IOException e) {
      b.append("(logs unreadable: ").append(e).append(")\n");
    }
    return b.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : running.values()) {
      p.destroyForcibly();
    }
    for (Process p : running.values()) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
