package dev.weft.grpc.rpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unary service that counts how often its handler runs for each request key, and answers with the
 * key and the handler's global execution number, so that a caller can tell which execution a reply
 * came from. A hook runs inside the handler, for tests that hold it.
 */
final class CounterService {
  static final String NAME = "weft.test.Counter";

  static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<String, String> RUN = method("Run");
  static final MethodDescriptor<String, String> OTHER = method("Other");
  static final MethodDescriptor<String, String> PARK = method("Park");

  private static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }

  /** Runs inside the handler before it answers. */
  interface Hook {
    void run(String key) throws InterruptedException;
  }

  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  final Map<String, String> replies = new ConcurrentHashMap<>();
  final AtomicLong executions = new AtomicLong();
  volatile Hook hook = key -> {};

  /** Calls of {@link #PARK}: counted as runs, and left unanswered (an asynchronous handler). */
  final BlockingQueue<StreamObserver<String>> parked = new LinkedBlockingQueue<>();

  ServerServiceDefinition definition() {
    ServerCalls.UnaryMethod<String, String> handler =
        (key, out) -> {
          runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          String reply = key + "@" + executions.incrementAndGet();
          replies.putIfAbsent(key, reply);
          try {
            hook.run(key);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          out.onNext(reply);
          out.onCompleted();
        };
    return ServerServiceDefinition.builder(NAME)
        .addMethod(RUN, ServerCalls.asyncUnaryCall(handler))
        .addMethod(OTHER, ServerCalls.asyncUnaryCall(handler))
        .addMethod(
            PARK,
            ServerCalls.asyncUnaryCall(
                (String key, StreamObserver<String> out) -> {
                  runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                  parked.add(out);
                }))
        .build();
  }

  int runs(String key) {
    AtomicInteger n = runs.get(key);
    return n == null ? 0 : n.get();
  }
}
