package dev.weft.examples.kv.grpc;

import dev.weft.examples.kv.KvCommand;
import dev.weft.examples.kv.KvResult;
import dev.weft.examples.kv.SessionExpiredException;
import dev.weft.examples.kv.grpc.proto.KvProto;
import dev.weft.grpc.Security;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * The command line of the key-value cluster: {@code server} runs one node until it is stopped
 * (SIGTERM or Ctrl-C); {@code client} runs one request and prints what it did.
 *
 * <pre>
 * weft-kv server --id a --peers a=127.0.0.1:7001,b=127.0.0.1:7002,c=127.0.0.1:7003 --data DIR
 *                (--plaintext | --cert CRT --key KEY --ca CA) [--listen HOST:PORT]
 *                [--snapshot-every N] [--watch-stdin]
 * weft-kv client --peers LIST (--plaintext | --cert CRT --key KEY --ca CA)
 *                (put KEY VALUE | append KEY VALUE | get KEY | delete KEY
 *                 | cas KEY EXPECTED NEW | cas KEY --absent NEW | status)
 * </pre>
 *
 * {@code --watch-stdin} stops the server when its standard input closes: a supervisor (or a test)
 * that dies takes its servers with it.
 *
 * <p>Exit status: 0 done, 1 bad usage, 2 no answer within the deadline (a write may or may not have
 * taken effect), 3 refused by the map (an expired session).
 */
public final class KvMain {
  private static final Set<String> FLAGS = Set.of("--plaintext", "--absent", "--watch-stdin");
  private static final String USAGE =
      """
      usage:
        weft-kv server --id ID --peers ID=HOST:PORT,... --data DIR (--plaintext | --cert CRT --key KEY --ca CA) [--listen HOST:PORT] [--snapshot-every N] [--watch-stdin]
        weft-kv client --peers ID=HOST:PORT,... (--plaintext | --cert CRT --key KEY --ca CA) COMMAND
      commands: put KEY VALUE | append KEY VALUE | get KEY | delete KEY | cas KEY EXPECTED NEW | cas KEY --absent NEW | status""";

  private KvMain() {}

  /**
   * Runs the server or the client.
   *
   * @param args the command line (see the class comment)
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    int status;
    try {
      status = run(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("weft-kv: " + e.getMessage());
      System.err.println(USAGE);
      status = 1;
    }
    System.exit(status);
  }

  static int run(String[] args, PrintStream out) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("server or client?");
    }
    Map<String, String> options = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (FLAGS.contains(a)) {
        options.put(a, "");
      } else if (a.startsWith("--")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        options.put(a, args[++i]);
      } else {
        words.add(a);
      }
    }
    return switch (args[0]) {
      case "server" -> server(options, words, out);
      case "client" -> client(options, words, out);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    };
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  /** Plaintext only when asked for by name; otherwise TLS from three PEM files. */
  private static Security security(Map<String, String> options) {
    boolean plain = options.containsKey("--plaintext");
    boolean tls =
        options.containsKey("--cert")
            || options.containsKey("--key")
            || options.containsKey("--ca");
    if (plain == tls) {
      throw new IllegalArgumentException("give either --plaintext or --cert, --key and --ca");
    }
    if (plain) {
      return Security.plaintext();
    }
    return Security.mutualTls(
        Path.of(required(options, "--cert")),
        Path.of(required(options, "--key")),
        Path.of(required(options, "--ca")));
  }

  private static long number(String value, String option) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number of entries: " + value);
    }
  }

  private static void noneBut(Map<String, String> options, Set<String> allowed) {
    for (String o : options.keySet()) {
      if (!allowed.contains(o)) {
        throw new IllegalArgumentException("unknown option " + o);
      }
    }
  }

  private static int server(Map<String, String> options, List<String> words, PrintStream out)
      throws InterruptedException {
    noneBut(
        options,
        Set.of(
            "--id",
            "--peers",
            "--data",
            "--listen",
            "--plaintext",
            "--cert",
            "--key",
            "--ca",
            "--snapshot-every",
            "--watch-stdin"));
    if (!words.isEmpty()) {
      throw new IllegalArgumentException("unexpected " + words);
    }
    String id = required(options, "--id");
    Peers peers = Peers.parse(required(options, "--peers"));
    KvNode.Settings settings =
        KvNode.Settings.of(id, peers, Path.of(required(options, "--data")), security(options));
    if (options.containsKey("--listen")) {
      settings = settings.withListen(Peers.address(options.get("--listen")));
    }
    if (options.containsKey("--snapshot-every")) {
      settings =
          settings.withSnapshotEvery(number(options.get("--snapshot-every"), "--snapshot-every"));
    }
    KvNode node = KvNode.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                }));
    if (options.containsKey("--watch-stdin")) {
      Thread.ofPlatform()
          .daemon()
          .name("watch-stdin")
          .start(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // nothing to read: the parent only holds the pipe open
                  }
                } catch (java.io.IOException e) {
                  // closed as well
                }
                System.exit(0); // runs the shutdown hook, which closes the node
              });
    }
    out.printf(
        "node %s listening on %s, %s, data in %s%n",
        id,
        node.address(),
        settings.security().isPlaintext() ? "plaintext" : "mutual TLS",
        settings.data().toAbsolutePath());
    out.flush();
    // report changes of role until stopped
    Role role = null;
    String leader = null;
    while (!stopped.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      RaftStatus s;
      try {
        s = node.status();
      } catch (RuntimeException e) {
        continue;
      }
      if (s.role() != role || !java.util.Objects.equals(s.leader(), leader)) {
        role = s.role();
        leader = s.leader();
        out.printf(
            "node %s: %s in term %d, leader %s, commit index %d%n",
            id, role, s.term(), leader == null ? "unknown" : leader, s.commitIndex());
        out.flush();
      }
    }
    return 0;
  }

  private static int client(Map<String, String> options, List<String> words, PrintStream out)
      throws InterruptedException {
    noneBut(options, Set.of("--peers", "--plaintext", "--cert", "--key", "--ca", "--absent"));
    Peers peers = Peers.parse(required(options, "--peers"));
    Security security = security(options);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("no command");
    }
    String op = words.get(0);
    List<String> a = words.subList(1, words.size());
    boolean absent = options.containsKey("--absent");
    try (GrpcKvClient kv = GrpcKvClient.connect(peers, security)) {
      if (op.equals("status")) {
        arity(op, a, 0);
        for (String id : peers.ids()) {
          try {
            KvProto.StatusReply s = kv.status(id, Duration.ofSeconds(2));
            out.printf(
                "%s: %s, term %d, leader %s, commit index %d, last index %d%n",
                id,
                s.getRole(),
                s.getTerm(),
                s.getLeader().isEmpty() ? "unknown" : s.getLeader(),
                s.getCommitIndex(),
                s.getLastIndex());
          } catch (StatusRuntimeException e) {
            out.printf("%s: no answer (%s)%n", id, e.getStatus().getCode());
          }
        }
        return 0;
      }
      long start = System.nanoTime();
      String did;
      try {
        did =
            switch (op) {
              case "put" -> {
                arity(op, a, 2);
                kv.put(a.get(0), a.get(1));
                yield "put " + a.get(0) + " = " + quote(a.get(1)) + ": done";
              }
              case "append" -> {
                arity(op, a, 2);
                kv.append(a.get(0), a.get(1));
                yield "append " + quote(a.get(1)) + " to " + a.get(0) + ": done";
              }
              case "get" -> {
                arity(op, a, 1);
                String v = kv.get(a.get(0));
                yield "get " + a.get(0) + ": " + (v == null ? "absent" : quote(v));
              }
              case "delete" -> {
                arity(op, a, 1);
                yield "delete "
                    + a.get(0)
                    + ": "
                    + (kv.delete(a.get(0)) ? "deleted" : "was absent");
              }
              case "cas" -> {
                arity(op, a, absent ? 2 : 3);
                String expected = absent ? null : a.get(1);
                String value = a.get(absent ? 1 : 2);
                KvResult r = kv.execute(KvCommand.Kind.CAS, a.get(0), value, expected);
                yield "cas "
                    + a.get(0)
                    + " from "
                    + (expected == null ? "absent" : quote(expected))
                    + " to "
                    + quote(value)
                    + ": "
                    + (r.ok() ? "swapped" : "not swapped (the value differs)");
              }
              default -> throw new IllegalArgumentException("unknown command " + op);
            };
      } catch (TimeoutException e) {
        out.printf(
            "%s: no answer within the deadline (a write may or may not have taken effect)%n", op);
        return 2;
      } catch (SessionExpiredException e) {
        out.printf("%s: refused, %s%n", op, e.getMessage());
        return 3;
      }
      out.printf(
          "%s (node %s, session %d, request %d, %d ms)%n",
          did,
          kv.answeredBy(),
          kv.session(),
          kv.sequence(),
          (System.nanoTime() - start) / 1_000_000);
      return 0;
    }
  }

  private static void arity(String op, List<String> args, int n) {
    if (args.size() != n) {
      throw new IllegalArgumentException(op + " takes " + n + " argument(s), not " + args);
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
