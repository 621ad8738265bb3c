import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ../live-head-2026-12-06/ListHarness.java}'s pairs, with two more pipes, for A/B tests of a
 * changed weft in one JVM (hand-off-floor.md, section 9). Not a benchmark.
 *
 * <ul>
 *   <li>{@code weftb}: weft's unbuffered channel from a copy of weft-primitives moved to the package
 *       {@code dev.weftb} ({@code copy-package.sh}, with {@code counters.patch} and the change to
 *       test applied to the copy), so that weft and the changed copy run side by side;
 *   <li>{@code weftpad}: weft's channel with 144 bytes allocated before and after it, to test
 *       whether the objects next to the channel matter.
 * </ul>
 *
 * <p>After the pairs it prints the parks per element of the prototypes and of {@code weftb}
 * (warm-up included). One JVM has its own bias of up to 20% between two copies of the same code,
 * which the JIT compiles separately: {@code pairs.sh} runs many short JVMs in both orders. Compile
 * it with {@code ListHarness.java} and run it as {@code pairs.sh} does.
 */
public class ABHarness {
  static volatile Object sink;

  static ListHarness.Pipe pipe(String name) {
    switch (name) {
      case "weftb":
        dev.weftb.chan.Channel<Integer> b = dev.weftb.chan.Channel.make();
        return new ListHarness.Pipe() {
          @Override
          public void send(Integer v) throws InterruptedException {
            b.send(v);
          }

          @Override
          public Integer receive() throws InterruptedException {
            return b.receive();
          }
        };
      case "weftpad":
        sink = new long[16];
        ListHarness.Pipe padded = ListHarness.weft(dev.weft.chan.Channel.make());
        sink = new long[16];
        return padded;
      default:
        return null;
    }
  }

  /** Arguments as {@code ListHarness}'s: pipe A, pipe B, values per transfer, pairs. */
  public static void main(String[] args) throws InterruptedException {
    ListHarness.morePipes = ABHarness::pipe;
    ListHarness.main(args);
    double elements = (Integer.parseInt(args[3]) + 6.0) * Integer.parseInt(args[2]);
    AtomicLong weftb = dev.weftb.chan.Stats.parks;
    System.out.printf(
        "parks per element: prototypes %.4f, weftb %.4f%n",
        ListHarness.PARKS.get() / elements, weftb.get() / elements);
  }
}
