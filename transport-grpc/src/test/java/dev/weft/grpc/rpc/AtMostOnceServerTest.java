package dev.weft.grpc.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reply cache's verdicts one by one, on a clock the test moves: copies wait for or replay the
 * first reply, acknowledged requests are refused, silent sessions are forgotten safely, and the
 * limits hold.
 */
@Timeout(30)
class AtMostOnceServerTest {
  /** A wall clock that moves only when told. */
  static final class TestClock implements InstantSource {
    final AtomicLong millis = new AtomicLong(1_000_000_000_000L);

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }
  }

  private final TestClock clock = new TestClock();
  private final CounterService service = new CounterService();
  private AtMostOnceServer amo;
  private Server server;
  private ManagedChannel channel;

  private void start(AtMostOnceServer.Builder b) throws Exception {
    amo = b.clock(clock).build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(service.definition(), amo))
            .build()
            .start();
    channel =
        NettyChannelBuilder.forAddress((InetSocketAddress) server.getListenSockets().get(0))
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    service.hook = key -> {};
    if (channel != null) {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Makes handlers signal {@code entered}, then wait for {@code release} (10 s at most). */
  private void holdHandlers(CountDownLatch entered, CountDownLatch release) {
    service.hook =
        key -> {
          entered.countDown();
          release.await(10, TimeUnit.SECONDS);
        };
  }

  private AtMostOnceClient client() {
    clock.advance(Duration.ofMillis(1)); // requests are first sent after the server started
    return AtMostOnceClient.create(clock);
  }

  private Channel via(AtMostOnceClient client) {
    return ClientInterceptors.intercept(channel, client);
  }

  private static String call(Channel ch, String key, AtMostOnceClient.Request r) {
    CallOptions o =
        r == null
            ? CallOptions.DEFAULT
            : CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, r);
    return ClientCalls.blockingUnaryCall(ch, CounterService.RUN, o, key);
  }

  private static Status failure(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus();
  }

  @Test
  void aCopyArrivingWhileTheFirstRunsWaitsForItsReply() throws Exception {
    start(AtMostOnceServer.builder());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    holdHandlers(entered, release);
    AtMostOnceClient client = client();
    Channel ch = via(client);
    try (AtMostOnceClient.Request r = client.newRequest()) {
      CallOptions o = CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, r);
      Future<String> first = ClientCalls.futureUnaryCall(ch.newCall(CounterService.RUN, o), "slow");
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      Future<String> copy = ClientCalls.futureUnaryCall(ch.newCall(CounterService.RUN, o), "slow");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (amo.stats().waited() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      assertEquals(1, amo.stats().waited(), amo.stats().toString());
      assertFalse(copy.isDone(), "the copy must wait for the first attempt");
      release.countDown();
      assertEquals("slow@1", first.get(10, TimeUnit.SECONDS));
      assertEquals("slow@1", copy.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, service.runs("slow"));
    assertEquals(1, amo.stats().executed());
  }

  @Test
  void answeredRequestsAreReplayedUntilAcknowledgedThenRefused() throws Exception {
    start(AtMostOnceServer.builder());
    AtMostOnceClient client = client();
    Channel ch = via(client);
    AtMostOnceClient.Request r = client.newRequest();
    assertEquals("x@1", call(ch, "x", r));
    assertEquals("x@1", call(ch, "x", r), "a retry gets the first reply");
    assertEquals(1, amo.stats().replayed());
    assertEquals(1, amo.stats().replies());
    r.close();
    call(ch, "y", null); // carries the acknowledgement of r
    assertEquals(1, amo.stats().replies(), "only y's reply is held: " + amo.stats());
    Status late = failure(() -> call(ch, "x", r));
    assertEquals(Status.Code.FAILED_PRECONDITION, late.getCode());
    assertTrue(late.getDescription().contains("acknowledged"), late.getDescription());
    assertEquals(1, service.runs("x"));
    assertEquals(1, amo.stats().refusedAnswered());
  }

  @Test
  void aForgottenSessionsLateRetryIsRefusedAndTheClientStartsAnother() throws Exception {
    start(AtMostOnceServer.builder().forgetAfter(Duration.ofMinutes(1)));
    AtMostOnceClient a = client();
    Channel viaA = via(a);
    AtMostOnceClient.Request r = a.newRequest();
    assertEquals("a1@1", call(viaA, "a1", r)); // ran; suppose the reply was lost
    String firstSession = a.sessionId();

    clock.advance(Duration.ofMinutes(2)); // a is silent for longer than the server remembers
    AtMostOnceClient b = client();
    call(via(b), "b1", null); // the next request sweeps
    assertEquals(1, amo.stats().forgotten(), amo.stats().toString());
    assertEquals(1, amo.stats().sessions());

    Status expired = failure(() -> call(viaA, "a1", r)); // a retries, much too late
    assertEquals(Status.Code.FAILED_PRECONDITION, expired.getCode());
    assertTrue(expired.getDescription().contains("not run again"), expired.getDescription());
    assertEquals(1, service.runs("a1"), "the late retry did not run again");
    assertNotEquals(firstSession, a.sessionId(), "the client moved to a new session");
    assertEquals("a2@3", call(viaA, "a2", null), "new requests of the new session run");
    r.close();
  }

  @Test
  void aRequestSentBeforeTheServerStartedIsRefused() throws Exception {
    AtMostOnceClient early = AtMostOnceClient.create(clock);
    AtMostOnceClient.Request r =
        early.newRequest(); // first sent (and perhaps run) before a restart
    clock.advance(Duration.ofSeconds(1));
    start(AtMostOnceServer.builder());
    Status s = failure(() -> call(via(early), "k", r));
    assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode());
    assertEquals(0, service.runs("k"));
    assertEquals(1, amo.stats().refusedExpired());
  }

  @Test
  void callsWithoutHeadersOrReusingANumberForAnotherMethodAreRefused() throws Exception {
    start(AtMostOnceServer.builder());
    Status bare = failure(() -> call(channel, "k", null));
    assertEquals(Status.Code.INVALID_ARGUMENT, bare.getCode());
    AtMostOnceClient client = client();
    Channel ch = via(client);
    try (AtMostOnceClient.Request r = client.newRequest()) {
      call(ch, "k", r);
      Status other =
          failure(
              () ->
                  ClientCalls.blockingUnaryCall(
                      ch,
                      CounterService.OTHER,
                      CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, r),
                      "k"));
      assertEquals(Status.Code.INVALID_ARGUMENT, other.getCode());
    }
    assertEquals(1, service.runs("k"));
  }

  @Test
  void sessionsAndRepliesPerSessionAreBounded() throws Exception {
    start(AtMostOnceServer.builder().maxSessions(2).maxRepliesPerSession(2));
    AtMostOnceClient c = client();
    Channel ch = via(c);
    AtMostOnceClient.Request r1 = c.newRequest();
    AtMostOnceClient.Request r2 = c.newRequest();
    call(ch, "r1", r1);
    call(ch, "r2", r2); // two replies the client has not acknowledged
    Status full = failure(() -> call(ch, "r3", null));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getCode());
    assertEquals(0, service.runs("r3"));
    r1.close();
    r2.close();
    call(ch, "r4", null);
    assertEquals(1, amo.stats().replies(), amo.stats().toString());

    for (int i = 0; i < 5; i++) {
      call(via(client()), "s" + i, null); // a stream of one-call clients
      assertTrue(amo.stats().sessions() <= 2, amo.stats().toString());
    }
    assertEquals(4, amo.stats().forgotten(), amo.stats().toString());
  }

  @Test
  void aCopyOfAFirstAttemptCancelledWhileItsHandlerBlocksGetsTheRealReply() throws Exception {
    start(AtMostOnceServer.builder());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    holdHandlers(entered, release);
    AtMostOnceClient client = client();
    Channel ch = via(client);
    try (AtMostOnceClient.Request r = client.newRequest()) {
      CallOptions o = CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, r);
      Future<String> first = ClientCalls.futureUnaryCall(ch.newCall(CounterService.RUN, o), "k");
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      first.cancel(true); // the client gives up (as on a deadline) while the handler runs
      Future<String> copy = ClientCalls.futureUnaryCall(ch.newCall(CounterService.RUN, o), "k");
      release.countDown(); // gRPC tells a blocking handler of the cancel only once it returns
      assertEquals("k@1", copy.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, service.runs("k"));
  }

  @Test
  void aFirstAttemptCancelledWhileAnAsynchronousHandlerRunsLeavesAbortedNotASecondRun()
      throws Exception {
    start(AtMostOnceServer.builder());
    AtMostOnceClient client = client();
    Channel ch = via(client);
    StreamObserver<String> handler;
    try (AtMostOnceClient.Request r = client.newRequest()) {
      CallOptions o = CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, r);
      Future<String> first = ClientCalls.futureUnaryCall(ch.newCall(CounterService.PARK, o), "k");
      handler = service.parked.poll(10, TimeUnit.SECONDS); // the handler has started, not answered
      first.cancel(true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Status retry;
      do {
        retry = failure(() -> ClientCalls.blockingUnaryCall(ch, CounterService.PARK, o, "k"));
      } while (retry.getCode() == Status.Code.UNAVAILABLE && System.nanoTime() < deadline);
      assertEquals(Status.Code.ABORTED, retry.getCode(), retry.toString());
      assertTrue(retry.getDescription().contains("at most once"), retry.getDescription());
    }
    assertEquals(1, service.runs("k"));
    assertTrue(service.parked.isEmpty(), "the copy did not reach the handler");
    assertNotNull(handler);
  }
}
