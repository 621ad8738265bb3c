package dev.weft.chan.lincheck;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck model checking and stress testing of send, receive and close (and the non-blocking
 * trySend and tryReceive on buffered channels) against {@link ChannelSpec}, for capacities 0, 1 and
 * 2.
 *
 * <p>Lincheck cannot tell a blocking operation that waits for good from a hang, so the scenarios
 * are generated here, from a printed seed, so that every one can finish: two threads of random
 * sends and receives and a third thread that closes the channel, which releases every waiter.
 * Scenarios start from a random prefill and end with receives that drain the channel, so that a
 * value lost or duplicated anywhere shows up in some result. {@code -Dweft.seed=N} replays a run,
 * {@code -Dweft.lincheck.scenarios=N} and {@code -Dweft.lincheck.invocations=N} set how many
 * scenarios per capacity (default 8; the README gives a longer run) and interleavings per scenario
 * (default 600).
 */
class ChannelLincheckTest {
  private static final int SCENARIOS = Integer.getInteger("weft.lincheck.scenarios", 8);
  private static final int INVOCATIONS = Integer.getInteger("weft.lincheck.invocations", 600);

  @Test
  void unbufferedModelChecking() throws Exception {
    modelCheck(ChannelUnderTest.Unbuffered.class, ChannelSpec.Unbuffered.class, 0);
  }

  @Test
  void capacityOneModelChecking() throws Exception {
    modelCheck(ChannelUnderTest.One.class, ChannelSpec.One.class, 1);
  }

  @Test
  void capacityTwoModelChecking() throws Exception {
    modelCheck(ChannelUnderTest.Two.class, ChannelSpec.Two.class, 2);
  }

  @Test
  void stressAllCapacities() throws Exception {
    stress(ChannelUnderTest.Unbuffered.class, ChannelSpec.Unbuffered.class, 0);
    stress(ChannelUnderTest.One.class, ChannelSpec.One.class, 1);
    stress(ChannelUnderTest.Two.class, ChannelSpec.Two.class, 2);
  }

  private static void modelCheck(Class<?> test, Class<?> spec, int capacity) throws Exception {
    ModelCheckingOptions options =
        new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(INVOCATIONS)
            .sequentialSpecification(spec);
    for (ExecutionScenario s : scenarios(test, capacity)) {
      options.addCustomScenario(s);
    }
    options.check(test);
  }

  private static void stress(Class<?> test, Class<?> spec, int capacity) throws Exception {
    StressOptions options =
        new StressOptions()
            .iterations(0)
            .invocationsPerIteration(INVOCATIONS)
            .sequentialSpecification(spec);
    for (ExecutionScenario s : scenarios(test, capacity)) {
      options.addCustomScenario(s);
    }
    options.check(test);
  }

  private static List<ExecutionScenario> scenarios(Class<?> test, int capacity) throws Exception {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    System.out.println(
        "ChannelLincheckTest capacity "
            + capacity
            + " seed "
            + seed
            + " (-Dweft.seed="
            + seed
            + ")");
    Random random = new Random(seed);
    Method send = test.getMethod("send", int.class);
    Method receive = test.getMethod("receive");
    Method trySend = test.getMethod("trySend", int.class);
    Method tryReceive = test.getMethod("tryReceive");
    Method close = test.getMethod("close");
    List<ExecutionScenario> out = new ArrayList<>();
    int value = 1;
    for (int n = 0; n < SCENARIOS; n++) {
      List<Actor> init = new ArrayList<>();
      for (int i = random.nextInt(capacity + 1); i > 0; i--) {
        init.add(actor(trySend, false, value++));
      }
      List<List<Actor>> parallel = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        List<Actor> thread = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
          int kind = random.nextInt(capacity == 0 ? 2 : 4);
          thread.add(switchKind(kind, send, receive, trySend, tryReceive, value++));
        }
        parallel.add(thread);
      }
      parallel.add(List.of(actor(close, false)));
      List<Actor> post = new ArrayList<>();
      for (int i = 0; i < capacity + 2; i++) {
        post.add(actor(receive, true));
      }
      out.add(new ExecutionScenario(init, parallel, post, null));
    }
    return out;
  }

  private static Actor switchKind(
      int kind, Method send, Method receive, Method trySend, Method tryReceive, int value) {
    if (kind == 0) {
      return actor(send, true, value);
    }
    if (kind == 1) {
      return actor(receive, true);
    }
    if (kind == 2) {
      return actor(trySend, false, value);
    }
    return actor(tryReceive, false);
  }

  private static Actor actor(Method m, boolean blocking, Object... args) {
    return new Actor(m, List.of(args), false, blocking, false, false, false);
  }
}
