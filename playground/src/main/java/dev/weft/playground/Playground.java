package dev.weft.playground;

import java.io.IOException;
import java.net.BindException;

/**
 * Starts the playground: {@code mvn -q -Pplayground -pl playground -am} runs this with {@code
 * --port 8077} (choose another with {@code -Dplayground.port=N}; 0 picks a free one), and prints
 * the address to open. Stop it with Ctrl-C.
 */
public final class Playground {
  private Playground() {}

  /**
   * Serves the playground until the process is stopped.
   *
   * @param args {@code --port N}, optionally
   * @throws IOException if the server cannot start for a reason other than a port in use
   */
  public static void main(String[] args) throws IOException {
    int port = 8077;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        try {
          port = Integer.parseInt(args[++i].strip());
        } catch (NumberFormatException e) {
          fail("--port takes a number from 0 to 65535, not \"" + args[i] + "\"");
        }
      } else {
        fail("unknown argument \"" + args[i] + "\"; the only option is --port N");
      }
    }
    PlaygroundServer server;
    try {
      server = PlaygroundServer.start(port);
    } catch (BindException e) {
      fail(
          "port "
              + port
              + " is in use: choose another with -Dplayground.port=N (or --port N); 0 picks a free one");
      return;
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "playground-stop"));
    System.out.println("weft playground: open " + server.uri() + "  (Ctrl-C stops it)");
  }

  private static void fail(String message) {
    System.err.println("weft playground: " + message);
    System.exit(2);
  }
}
