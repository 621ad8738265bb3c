package dev.weft.grpc.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of calls through a proxy that loses responses and duplicates requests, with gRPC's
 * retry policy on and, for half the calls, retries by the application as well: every handler runs
 * once per logical call, every reply a client gets is the one execution's, and the reply cache
 * stays small throughout.
 *
 * <p>The proxy's faults are drawn from a seed, printed; {@code -Dweft.seed=N} replays the same
 * fault stream (the threads' interleaving still varies).
 */
@Timeout(60)
class AtMostOnceOverLossyNetworkTest {
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 400;
  private static final int MAX_REPLIES = 256;

  private final CounterService service = new CounterService();
  private AtMostOnceServer amo;
  private Server server;
  private LossyProxy proxy;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    System.out.println(
        "AtMostOnceOverLossyNetworkTest seed " + seed + " (replay with -Dweft.seed=" + seed + ")");
    amo = AtMostOnceServer.builder().maxRepliesPerSession(MAX_REPLIES).build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(service.definition(), amo))
            .build()
            .start();
    proxy = new LossyProxy((InetSocketAddress) server.getListenSockets().get(0), seed, 0.3, 0.3);
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts",
            5.0,
            "initialBackoff",
            "0.002s",
            "maxBackoff",
            "0.02s",
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            List.of("UNAVAILABLE"));
    Map<String, Object> serviceConfig =
        Map.of(
            "methodConfig",
            List.of(
                Map.of(
                    "name",
                    List.of(Map.of("service", CounterService.NAME)),
                    "retryPolicy",
                    retryPolicy)));
    channel =
        NettyChannelBuilder.forAddress(proxy.address())
            .usePlaintext()
            .defaultServiceConfig(serviceConfig)
            .enableRetry()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    proxy.close();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void everyLogicalCallRunsOnceAndGetsItsOneReply() throws Exception {
    AtMostOnceClient client = AtMostOnceClient.create();
    Channel intercepted =
        ClientInterceptors.intercept(channel, client, DefaultDeadline.of(Duration.ofSeconds(10)));
    Map<String, String> received = new ConcurrentHashMap<>();
    Map<String, Boolean> unanswered = new ConcurrentHashMap<>();
    AtomicInteger applicationRetries = new AtomicInteger();
    AtomicInteger maxReplies = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    service.hook =
        key -> {
          if (key.hashCode() % 4 == 0) {
            LockSupport.parkNanos(200_000); // some handlers run long enough to be raced
          }
        };
    Workers sampler = new Workers(ThreadKind.PLATFORM);
    sampler.start(
        "sampler",
        () -> {
          while (running.get()) {
            maxReplies.accumulateAndGet(amo.stats().replies(), Math::max);
            Thread.sleep(1);
          }
        });
    try (Workers workers = new Workers(ThreadKind.PLATFORM, Duration.ofSeconds(50))) {
      workers.startAll(
          "caller",
          THREADS,
          t -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
              String key = "k" + t + "-" + i;
              if (i % 2 == 0) {
                // gRPC's retry policy only
                try {
                  received.put(
                      key,
                      ClientCalls.blockingUnaryCall(
                          intercepted, CounterService.RUN, CallOptions.DEFAULT, key));
                } catch (StatusRuntimeException e) {
                  assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
                  unanswered.put(key, true); // five lost responses in a row: outcome unknown
                }
              } else {
                // the application retries too, with the same request number
                try (AtMostOnceClient.Request request = client.newRequest()) {
                  while (true) {
                    try {
                      received.put(
                          key,
                          ClientCalls.blockingUnaryCall(
                              intercepted,
                              CounterService.RUN,
                              CallOptions.DEFAULT.withOption(AtMostOnceClient.REQUEST, request),
                              key));
                      break;
                    } catch (StatusRuntimeException e) {
                      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
                      applicationRetries.incrementAndGet();
                    }
                  }
                }
              }
            }
          });
      workers.joinAll();
    } finally {
      running.set(false);
      sampler.close();
    }

    int logical = THREADS * CALLS_PER_THREAD;
    for (Map.Entry<String, String> r : received.entrySet()) {
      assertEquals(1, service.runs(r.getKey()), r.getKey() + " ran more or less than once");
      assertEquals(service.replies.get(r.getKey()), r.getValue(), "not the first reply");
    }
    for (String key : unanswered.keySet()) {
      assertTrue(service.runs(key) <= 1, key + " ran " + service.runs(key) + " times");
    }
    assertEquals(logical, received.size() + unanswered.size());
    long totalRuns = service.runs.values().stream().mapToLong(AtomicInteger::get).sum();
    assertEquals(service.runs.size(), totalRuns, "some handler ran twice");
    assertEquals(service.executions.get(), totalRuns);

    AtMostOnceServer.Stats s = amo.stats();
    System.out.printf(
        "%d logical calls; %d proxied attempts, %d responses lost, %d requests duplicated,"
            + " %d application retries, %d unanswered; cache %s; at most %d replies held%n",
        logical,
        proxy.calls.get(),
        proxy.responsesLost.get(),
        proxy.duplicatesSent.get(),
        applicationRetries.get(),
        unanswered.size(),
        s,
        maxReplies.get());
    // the faults did happen, and the cache did its work
    assertTrue(proxy.responsesLost.get() > logical / 5, "too few responses lost");
    assertTrue(proxy.duplicatesSent.get() > logical / 5, "too few duplicates");
    assertTrue(s.replayed() + s.waited() > logical / 5, s.toString());
    assertEquals(0, s.refusedFull(), s.toString());
    // memory followed the calls in flight, not the calls made
    assertTrue(
        maxReplies.get() <= 4 * THREADS + 2 * Headers.MAX_ACKS_PER_REQUEST, "held " + maxReplies);
    for (int i = 0; i < 3; i++) { // a few calls more report the last acknowledgements
      ClientCalls.blockingUnaryCall(
          intercepted, CounterService.RUN, CallOptions.DEFAULT, "last" + i);
    }
    assertTrue(amo.stats().replies() <= 2, amo.stats().toString());
    assertEquals(1, amo.stats().sessions());
  }
}
